#ifndef FATHOM_CPROCESS_H
#define FATHOM_CPROCESS_H

/* Process-wide settings of the fathom executable that Swift cannot reach
   (glibc's malloc.h is not part of the Glibc module). */

#include <stdlib.h> /* defines __GLIBC__ on glibc */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* glibc raises its mmap threshold (and with it the trim threshold) each time a
   large block is freed, after which freed memory stays in the process. A fixed
   threshold keeps glibc giving it back. No-op elsewhere. */
static inline void fathom_tune_malloc(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

#endif
