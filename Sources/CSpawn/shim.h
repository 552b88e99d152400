// glibc's GNU extensions that the Spawn target needs, which Swift's Glibc module does not show.
//
// Swift imports glibc without _GNU_SOURCE, so spawn.h hides posix_spawn_file_actions_addclosefrom_np (glibc 2.34)
// and posix_spawn_file_actions_addchdir_np (2.29), and unistd.h hides pipe2. A `#define _GNU_SOURCE` here would not
// help: the system headers belong to the Glibc module, already built without it. So this header declares the three
// functions itself, exactly as glibc's headers do, and wraps each in a `CSpawn_` function so that no name clashes with
// the Glibc module's if a later Swift shows them. Everything else about spawning is Swift (Sources/Spawn).
#ifndef PATROL_CSPAWN_SHIM_H
#define PATROL_CSPAWN_SHIM_H

#include <spawn.h>

extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *restrict actions, const char *restrict path);
extern int pipe2(int descriptors[2], int flags);

/// Makes the child close every descriptor from `from` up before exec.
static inline int CSpawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

/// Makes the child change directory to `path` before exec.
static inline int CSpawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

/// A pipe whose two ends are created with `flags` (O_CLOEXEC) at once.
static inline int CSpawn_pipe2(int descriptors[2], int flags) {
    return pipe2(descriptors, flags);
}

#endif
