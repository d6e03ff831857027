#pragma once
// Overloaded: a visitor made of lambdas, for an exhaustive std::visit (STYLE §14) — no
// catch-all lambda, so a new alternative does not compile until it is handled.

namespace strata {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// The deduction guide C++20's aggregate deduction makes implicit; clang 14 does not implement
// that part of P1816 yet and needs it spelled out.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace strata
