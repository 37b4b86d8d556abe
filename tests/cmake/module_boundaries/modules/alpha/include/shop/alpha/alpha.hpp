#pragma once

namespace shop::alpha {

class Alpha {
 public:
  virtual ~Alpha() = default;
  virtual int answer() const = 0;
};

}  // namespace shop::alpha
