#include "CFuzz.h"

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size))
    __attribute__((weak));

int fathom_fuzz_available(void) { return LLVMFuzzerRunDriver != 0; }

int fathom_fuzz_run(int *argc, char ***argv, FathomFuzzCallback callback) {
    if (!LLVMFuzzerRunDriver) return -1;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
