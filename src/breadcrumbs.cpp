#include "breadcrumbs.h"

namespace faultline {

BreadcrumbBuffer::BreadcrumbBuffer(size_t capacity) : capacity_(0) { set_capacity(capacity); }

void BreadcrumbBuffer::set_capacity(size_t capacity) {
  if (capacity > kMaxCapacity) capacity = kMaxCapacity;
  std::vector<json> kept;
  size_t keep = size_ < capacity ? size_ : capacity;
  kept.reserve(capacity);
  for (size_t i = size_ - keep; i < size_; ++i) kept.push_back(std::move(slots_[(head_ + i) % capacity_]));
  evicted_ += size_ - keep;
  slots_ = std::move(kept);
  slots_.resize(capacity);
  capacity_ = capacity;
  head_ = 0;
  size_ = keep;
}

void BreadcrumbBuffer::push(json crumb) {
  if (capacity_ == 0) {
    ++evicted_;
    return;
  }
  if (size_ < capacity_) {
    slots_[(head_ + size_) % capacity_] = std::move(crumb);
    ++size_;
  } else {
    slots_[head_] = std::move(crumb);
    head_ = (head_ + 1) % capacity_;
    ++evicted_;
  }
}

void BreadcrumbBuffer::clear() {
  for (auto& s : slots_) s = json();
  head_ = 0;
  size_ = 0;
}

json BreadcrumbBuffer::to_json() const {
  json arr = json::array();
  for (size_t i = 0; i < size_; ++i) arr.push_back(slots_[(head_ + i) % capacity_]);
  return arr;
}

}  // namespace faultline
