#ifndef FATHOM_CFUZZ_H
#define FATHOM_CFUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver, when the binary is linked with libclang_rt.fuzzer_no_main
   (scripts/fuzz). A weak reference: an ordinary build has no fuzzer, and
   fathom-fuzz then only replays the files it is given. */
typedef int (*FathomFuzzCallback)(const uint8_t *data, size_t size);

/* 1 when libFuzzer is linked in. */
int fathom_fuzz_available(void);

/* Runs libFuzzer with argc/argv (its options and corpus directories) on `callback`. */
int fathom_fuzz_run(int *argc, char ***argv, FathomFuzzCallback callback);

#endif
