#ifndef STET_ASAN_H
#define STET_ASAN_H

/*
 * STET_ASAN is defined in a build under AddressSanitizer, with gcc
 * (__SANITIZE_ADDRESS__) or clang (__has_feature), for the few places
 * that tell its leak checker about memory a library keeps on purpose.
 */
#if defined(__SANITIZE_ADDRESS__)
#define STET_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STET_ASAN 1
#endif
#endif

#endif
