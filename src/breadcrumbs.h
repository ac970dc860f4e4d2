// Ring buffer of breadcrumbs bounded by count and by bytes (oldest evicted first): a page that
// logs a hundred 2 KB messages must not make every event, and the core's heap, carry 200 KB.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "json.h"

namespace faultline {

class BreadcrumbBuffer {
 public:
  static constexpr size_t kMaxCapacity = 1000;
  static constexpr size_t kDefaultMaxBytes = 64 * 1024;  // serialized, all crumbs together
  explicit BreadcrumbBuffer(size_t capacity = 100, size_t max_bytes = kDefaultMaxBytes);

  // Changing the capacity keeps the newest crumbs that still fit.
  void set_capacity(size_t capacity);
  size_t capacity() const { return capacity_; }
  size_t size() const { return size_; }
  uint64_t evicted() const { return evicted_; }
  size_t bytes() const { return bytes_; }
  size_t max_bytes() const { return max_bytes_; }
  void set_max_bytes(size_t max_bytes);

  // `bytes`: the crumb's serialized size (the caller has it); older crumbs go until it fits. A
  // crumb larger than the whole budget is refused (counted in evicted()).
  void push(json crumb, size_t bytes = 0);
  void clear();
  // Oldest first, as Sentry wants them.
  json to_json() const;

 private:
  void evict_oldest();

  std::vector<json> slots_;
  std::vector<size_t> sizes_;
  size_t capacity_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  size_t head_ = 0;  // index of the oldest crumb
  size_t size_ = 0;
  uint64_t evicted_ = 0;
};

}  // namespace faultline
