// Fixed-capacity ring buffer of breadcrumbs (oldest evicted first).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>
#include "json.h"

namespace faultline {

class BreadcrumbBuffer {
 public:
  static constexpr size_t kMaxCapacity = 1000;
  explicit BreadcrumbBuffer(size_t capacity = 100);

  // Changing the capacity keeps the newest crumbs that still fit.
  void set_capacity(size_t capacity);
  size_t capacity() const { return capacity_; }
  size_t size() const { return size_; }
  uint64_t evicted() const { return evicted_; }

  void push(json crumb);
  void clear();
  // Oldest first, as Sentry wants them.
  json to_json() const;

 private:
  std::vector<json> slots_;
  size_t capacity_;
  size_t head_ = 0;  // index of the oldest crumb
  size_t size_ = 0;
  uint64_t evicted_ = 0;
};

}  // namespace faultline
