/* The staged changes of a work tree's index, read with the cache tree
 * (see git_index.c). */
#ifndef LG_SOURCE_GIT_INDEX_H
#define LG_SOURCE_GIT_INDEX_H

#include <git2.h>

/* Compare the index file at index_path with HEAD's tree `head`: on LG_OK,
 * *old_side holds HEAD's version of every path that differs (modified or
 * deleted) and *new_side the index's (modified or added), both in-memory
 * indexes for git_diff_index_to_index, owned by the caller.
 * LG_EUNSUPPORTED: the index uses something this reader does not handle
 * (or is unreadable or malformed) — use libgit2's full index instead.
 * LG_ENOMEM: out of memory. */
int lg_git_staged_sides(git_repository *repo, const char *index_path,
                        const git_tree *head, git_index **old_side,
                        git_index **new_side);

#endif
