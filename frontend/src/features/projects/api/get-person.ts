import { queryOptions, useQuery } from '@tanstack/react-query';

import type { Project, UserRef } from '@/types/models';

import { getProjects } from './get-projects';
import { projectKeys } from './keys';

/** The person with this id among the owners and teams of these projects. */
export function personIn(projects: Project[] | undefined, id: number): UserRef | undefined {
  for (const p of projects ?? []) {
    if (p.owner.id === id) return p.owner;
    const member = p.members.find((m) => m.user.id === id);
    if (member) return member.user;
  }
  return undefined;
}

/**
 * A person a URL names only by id. The API has no single-user read, but every project carries its
 * owner's and members' names: one project they are on (as a member, else as owner) names them.
 * null: they are on no project the caller can see.
 */
export async function findPerson(id: number): Promise<UserRef | null> {
  const asMember = await getProjects({ member: id, page_size: 1 });
  const found = personIn(asMember.results, id);
  if (found) return found;
  const asOwner = await getProjects({ owner: id, page_size: 1 });
  return personIn(asOwner.results, id) ?? null;
}

export const personQueryOptions = (id: number) =>
  queryOptions({ queryKey: projectKeys.person(id), queryFn: () => findPerson(id), staleTime: 5 * 60_000 });

/**
 * The name to show for a person filter: from the projects on screen when they name the person,
 * else from the cache (a person picked in the filter is put there) or one small lookup.
 */
export function usePersonName(id: number | undefined, { projects, settled }: { projects?: Project[]; settled: boolean }): string | undefined {
  const onScreen = id === undefined ? undefined : personIn(projects, id);
  const lookup = useQuery({ ...personQueryOptions(id ?? 0), enabled: id !== undefined && !onScreen && settled });
  if (id === undefined) return undefined;
  if (onScreen) return onScreen.name;
  if (lookup.data === null) return 'someone not on your projects';
  if (lookup.isError) return 'name unavailable';
  return lookup.data?.name;
}
