#include "breadcrumbs.h"

namespace faultline {

BreadcrumbBuffer::BreadcrumbBuffer(size_t capacity, size_t max_bytes) : capacity_(0), max_bytes_(max_bytes) { set_capacity(capacity); }

void BreadcrumbBuffer::set_capacity(size_t capacity) {
  if (capacity > kMaxCapacity) capacity = kMaxCapacity;
  std::vector<json> kept;
  std::vector<size_t> kept_sizes;
  size_t keep = size_ < capacity ? size_ : capacity;
  kept.reserve(capacity);
  kept_sizes.reserve(capacity);
  bytes_ = 0;
  for (size_t i = size_ - keep; i < size_; ++i) {
    kept.push_back(std::move(slots_[(head_ + i) % capacity_]));
    kept_sizes.push_back(sizes_[(head_ + i) % capacity_]);
    bytes_ += kept_sizes.back();
  }
  evicted_ += size_ - keep;
  slots_ = std::move(kept);
  sizes_ = std::move(kept_sizes);
  slots_.resize(capacity);
  sizes_.resize(capacity);
  capacity_ = capacity;
  head_ = 0;
  size_ = keep;
}

void BreadcrumbBuffer::set_max_bytes(size_t max_bytes) {
  max_bytes_ = max_bytes;
  while (size_ && bytes_ > max_bytes_) evict_oldest();
}

void BreadcrumbBuffer::evict_oldest() {
  slots_[head_] = json();
  bytes_ -= sizes_[head_];
  sizes_[head_] = 0;
  head_ = (head_ + 1) % capacity_;
  --size_;
  ++evicted_;
}

void BreadcrumbBuffer::push(json crumb, size_t bytes) {
  if (capacity_ == 0 || bytes > max_bytes_) {
    ++evicted_;
    return;
  }
  while (size_ && (size_ >= capacity_ || bytes_ + bytes > max_bytes_)) evict_oldest();
  const size_t at = (head_ + size_) % capacity_;
  slots_[at] = std::move(crumb);
  sizes_[at] = bytes;
  bytes_ += bytes;
  ++size_;
}

void BreadcrumbBuffer::clear() {
  for (auto& s : slots_) s = json();
  for (auto& n : sizes_) n = 0;
  head_ = 0;
  size_ = 0;
  bytes_ = 0;
}

json BreadcrumbBuffer::to_json() const {
  json arr = empty_array();
  for (size_t i = 0; i < size_; ++i) arr.push_back(slots_[(head_ + i) % capacity_]);
  return arr;
}

}  // namespace faultline
