/**
 * The GraphQL examples of the API documents (shared/spec 000, 002, 003), verbatim: partners'
 * clients send these, so tests run them unchanged (only the placeholder ids are swapped for real
 * ones with `withId`).
 */

export const UNIQUE_CODE_LIST = `query {
unique_code {
id
code
product
digital_link
status
type
epc_join_key
identifier_job {
id
reference_id
}
reservation {
id
reference_id
}
date_created
date_updated
}
}`;

export const UNIQUE_CODE_BY_ID = `query {
unique_code_by_id(id: "unique_code_id") {
id
digital_link
code
product
identifier_job {
id
reference_id
type
}
epc_join_key
status
reservation {
id
reference_id
reserved_for
}
type
user_created {
id
first_name
last_name
}
date_created
user_updated {
id
first_name
last_name
}
date_updated
}
}`;

export const UNIQUE_CODE_CREATE = `mutation {
create_unique_code_item(data: {
digital_link: "https://food.tvai.me/01/09312345551927/21/ABC123XY"
code: "ABC123XY"
product: "/01/09312345551927"
identifier_job: "f1b2c3d4-e5f6-7890-1234-567890abcdef"
epc_join_key: "09312345551927-ABC123XY"
type: "sgtin"
}) {
id
code
product
digital_link
status
type
identifier_job {
id
reference_id
}
}
}`;

export const UNIQUE_CODE_UPDATE = `mutation {
update_unique_code_item(id: "unique_code_id", data: {
status: "assigned"
reservation: "a1b2c3d4-e5f6-7890-1234-567890abcdef"
}) {
id
code
status
reservation {
id
reference_id
}
}
}`;

export const UNIQUE_CODE_DELETE = `mutation {
delete_unique_code_item(id: "unique_code_id") {
id
}
}`;

export const CODE_RESERVATION_LIST = `query {
code_reservation {
id
reserved_for
code_type
quantity
status
export_type
product
quantity_reserved
reference_id
date_created
date_updated
}
}`;

export const CODE_RESERVATION_BY_ID = `query {
code_reservation_by_id(id: "code_reservation_id") {
id
reserved_for
code_type
quantity
status
export_type
export_file {
id
filename_download
}
url_suffix
product
quantity_reserved
error_message
reference_id
user_created {
id
first_name
last_name
}
date_created
user_updated {
id
first_name
last_name
}
date_updated
}
}`;

export const CODE_RESERVATION_CREATE = `mutation {
create_code_reservation_item(data: {
reserved_for: "/417/9312345000012"
code_type: "sgtin"
quantity: 100
export_type: "csv"
product: "/01/19361758000003"
reference_id: "BATCH-2024-001"
}) {
id
reserved_for
code_type
quantity
status
product
reference_id
}
}`;

export const CODE_RESERVATION_UPDATE = `mutation {
update_code_reservation_item(id: "code_reservation_id", data: {
status: "complete"
quantity_reserved: 100
reference_id: "BATCH-2024-001-UPDATED"
}) {
id
status
quantity_reserved
reference_id
}
}`;

export const CODE_RESERVATION_DELETE = `mutation {
delete_code_reservation_item(id: "code_reservation_id") {
id
}
}`;

export const PRODUCT_LIST = `query {
product {
id
product_name
brand {
id
name
}
gtin
custom_id
finished_product
third_party_product
}
}`;

export const PRODUCT_BY_ID = `query {
product_by_id(id: "product_id") {
id
product_name
brand {
id
name
}
gtin
custom_id
digital_link
product_redirection_url
packaging_type_code {
code
description
}
variant_description
functional_name
net_weight
net_weight_unit {
code
name
}
gross_weight
gross_weight_unit {
code
name
}
third_party_product
finished_product
primary_image {
id
filename_download
}
product_manufacturer {
id
name
}
brand_owner {
id
name
}
account {
id
name
}
net_content
net_content_unit {
code
name
}
serving_size
serving_size_unit {
code
name
}
in_package_height
in_package_height_unit {
code
name
}
in_package_width
in_package_width_unit {
code
name
}
in_package_depth
in_package_depth_unit {
code
name
}
user_created {
id
first_name
last_name
}
date_created
user_updated {
id
first_name
last_name
}
date_updated
}
}`;

export const PRODUCT_CREATE = `mutation {
create_product_item(data: {
product_name: "AP-2 Bearings"
brand: "0b789868-2863-4d41-aa6f-b2585020ae08"
gtin: "00053893430744"
custom_id: "HM133436FSA-90011"
digital_link: "https://food.tvai.me/01/00053893430744"
product_redirection_url: "https://www.company.com/"
finished_product: true
third_party_product: false
product_manufacturer: "/417/0053893000008"
brand_owner: "/417/0053893000008"
}) {
id
product_name
gtin
custom_id
}
}`;

export const PRODUCT_UPDATE = `mutation {
update_product_item(id: "/01/00053893430744", data: {
product_name: "AP-2 Bearings - Updated"
product_redirection_url: "https://www.company.com/products/bearings/"
custom_id: "HM133436FSA-90011-V2"
}) {
id
product_name
product_redirection_url
custom_id
}
}`;

export const PRODUCT_DELETE = `mutation {
delete_product_item(id: "product_id") {
id
}
}`;

/** Replaces a document's placeholder id (`"product_id"`, `"unique_code_id"`...) with a real one. */
export function withId(document: string, placeholder: string, id: string): string {
  if (!document.includes(`"${placeholder}"`))
    throw new Error(`No "${placeholder}" in the document.`);
  return document.split(`"${placeholder}"`).join(JSON.stringify(id));
}
