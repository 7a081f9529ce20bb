/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef BUDDYCTL_FUZZ_H
#define BUDDYCTL_FUZZ_H

/*
 * One libFuzzer entry point per parser (tests/fuzz/fuzz_*.c). `make fuzz`
 * builds them with clang -fsanitize=fuzzer; `make check` links them with
 * replay.c instead and runs every file of the seed corpus through them.
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
