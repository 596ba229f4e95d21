#pragma once
// Large per-request arrays (millions of entries) without millions of page faults: reserve the
// storage, ask the kernel for transparent huge pages on it (Linux madvise; a hint, ignored where
// unsupported), then fill it. On a virtual machine a 4 KiB page fault costs microseconds, so a
// 200 MB array faulted page by page costs a noticeable share of a million-request replay.

#include <cstddef>
#include <vector>

namespace kvsim::core {

/// Hint that [p, p + bytes) will be touched soon and should use huge pages. Never fails.
void advise_huge_pages(const void* p, size_t bytes);

/// `v` resized to `n` default-constructed elements, its storage advised for huge pages first.
template <class T>
void resize_big(std::vector<T>& v, size_t n) {
  v.clear();
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(T));
  v.resize(n);
}

/// `v` emptied with room for `n` elements, its storage advised for huge pages.
template <class T>
void reserve_big(std::vector<T>& v, size_t n) {
  v.clear();
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(T));
}

}  // namespace kvsim::core
