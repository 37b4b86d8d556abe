#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

// What a domain call returns: its result, or the expected reason it did not happen (out of stock,
// sale not open, username taken). Expected outcomes are values, never exceptions; exceptions are for
// infrastructure failures, and assertions for programming errors (CONVENTIONS.md, "Errors").
//   Outcome<Order, PlaceError> place(Tx&, const PlaceOrder&);
//   if (!placed) return map(placed.error());
// A small stand-in for C++23's std::expected, which g++ 12 offers only with -std=c++23.
namespace shop::infra::domain {

template <class E>
struct Failure {
  E error;
};

// `return fail(PlaceError::kInsufficientStock);`
template <class E>
Failure<std::decay_t<E>> fail(E&& error) {
  return {std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <class F>
  requires std::is_constructible_v<E, F> Outcome(Failure<F> failure)
      : state_(std::in_place_index<1>, std::move(failure.error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, E> state_;
};

// A domain call that returns nothing when it succeeds.
struct Done {};

}  // namespace shop::infra::domain
