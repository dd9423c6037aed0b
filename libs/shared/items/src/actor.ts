/** Who is calling: every write is stamped with `userId` and confined to `accountId`. */
export interface Actor {
  userId: string;
  accountId: string;
  /** Admins read and write across accounts. */
  admin: boolean;
}
