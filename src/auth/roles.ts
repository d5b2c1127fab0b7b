export const ROLES = ['admin', 'buyer', 'reviewer', 'supplier'] as const;
export type Role = (typeof ROLES)[number];

export const ORGANISATION_KINDS = ['buyer', 'supplier'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** The organisation kind each role belongs to; admins belong to the platform, not an organisation. */
export const ORGANISATION_KIND_OF_ROLE: Record<Role, OrganisationKind | null> = {
  admin: null,
  buyer: 'buyer',
  reviewer: 'buyer',
  supplier: 'supplier',
};

/** Who is making a request, from a verified access token. */
export interface Principal {
  userId: string;
  role: Role;
  organisationId: string | null;
}
