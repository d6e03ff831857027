// Codec: big-endian integers and the order-preserving JSON encoding (codec.hpp).

#include "storage/codec.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace strata::storage {
namespace {

using Int128 = __int128;

// Test output for values that may hold invalid UTF-8.
std::string show(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); }

int sign(int v) { return (v > 0) - (v < 0); }

int byte_compare(const std::string& a, const std::string& b) {
  return sign(std::string_view(a).compare(b));
}

bool is_int(const Json& v) { return v.is_number_integer(); }  // signed or unsigned

Int128 int_of(const Json& v) {
  return v.is_number_unsigned() ? Int128(v.get<uint64_t>()) : Int128(v.get<int64_t>());
}

// Exact comparison of an integer with a double (no NaN).
int compare_int_double(Int128 n, double x) {
  if (x == std::numeric_limits<double>::infinity()) return -1;
  if (x == -std::numeric_limits<double>::infinity()) return 1;
  if (x >= 0x1p100) return -1;
  if (x <= -0x1p100) return 1;
  double fl = std::floor(x);
  Int128 f = static_cast<Int128>(fl);
  if (n < f) return -1;
  if (n > f) return 1;
  return x > fl ? -1 : 0;
}

int kind_rank(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return 0;
    case Json::value_t::boolean:
      return v.get<bool>() ? 2 : 1;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return 3;
    case Json::value_t::string:
      return 4;
    case Json::value_t::array:
      return 5;
    case Json::value_t::object:
      return 6;
    default:
      return 7;
  }
}

// The value order codec.hpp promises, written independently of the codec.
int reference_compare(const Json& a, const Json& b) {
  int ra = kind_rank(a), rb = kind_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 3: {
      if (is_int(a) && is_int(b)) return int_of(a) < int_of(b) ? -1 : int_of(a) > int_of(b);
      if (is_int(a)) return compare_int_double(int_of(a), b.get<double>());
      if (is_int(b)) return -compare_int_double(int_of(b), a.get<double>());
      double x = a.get<double>(), y = b.get<double>();
      return x < y ? -1 : x > y;
    }
    case 4:
      return sign(std::string_view(a.get_ref<const std::string&>())
                      .compare(b.get_ref<const std::string&>()));
    case 5: {
      for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        int c = reference_compare(a[i], b[i]);
        if (c != 0) return c;
      }
      return a.size() < b.size() ? -1 : a.size() > b.size();
    }
    case 6: {
      auto ia = a.begin(), ib = b.begin();
      for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
        int c = sign(ia.key().compare(ib.key()));
        if (c == 0) c = reference_compare(ia.value(), ib.value());
        if (c != 0) return c;
      }
      return ia == a.end() ? (ib == b.end() ? 0 : -1) : 1;
    }
    default:
      return 0;
  }
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  Json scalar() {
    switch (pick(10)) {
      case 0:
        return nullptr;
      case 1:
        return pick(2) == 1;
      case 2:
        return special_int();
      case 3:
        return static_cast<int64_t>(rng_());
      case 4:
        return static_cast<int64_t>(pick(2001)) - 1000;
      case 5:
        return real();
      case 6:
        return static_cast<double>(special_int().get<double>());
      case 7:
      case 8:
        return string();
      default:
        return pick(2) ? Json(static_cast<uint64_t>(rng_())) : Json(real());
    }
  }

  Json value(int depth = 0) {
    int k = depth > 1 ? 9 : static_cast<int>(pick(12));
    if (k < 10) return scalar();
    Json v = k == 10 ? Json::array() : Json::object();
    size_t n = pick(3);
    for (size_t i = 0; i < n; ++i) {
      if (k == 10) {
        v.push_back(value(depth + 1));
      } else {
        v[string().get<std::string>()] = value(depth + 1);
      }
    }
    return v;
  }

  // A number close to `v` (a neighbour, or the same value in another type).
  Json near(const Json& v) {
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (pick(2) && std::isfinite(d) && std::abs(d) < 0x1p62) {
        return static_cast<int64_t>(std::trunc(d)) + static_cast<int64_t>(pick(3)) - 1;
      }
      return std::nextafter(d, pick(2) ? INFINITY : -INFINITY);
    }
    Int128 n = int_of(v) + static_cast<Int128>(pick(6001)) - 3000;
    if (pick(3) == 0) return static_cast<double>(int_of(v));
    if (n >= 0 && n <= static_cast<Int128>(std::numeric_limits<uint64_t>::max())) {
      return static_cast<uint64_t>(n);
    }
    if (n >= std::numeric_limits<int64_t>::min() && n < 0) return static_cast<int64_t>(n);
    return v;
  }

  Json special_int() {
    static const std::vector<Json> kSpecial = {
        std::numeric_limits<int64_t>::min(),
        std::numeric_limits<int64_t>::min() + 1,
        std::numeric_limits<int64_t>::max(),
        std::numeric_limits<int64_t>::max() - 1,
        std::numeric_limits<uint64_t>::max(),
        std::numeric_limits<uint64_t>::max() - 1,
        uint64_t{1} << 63,
        (uint64_t{1} << 63) + 1,
        0,
        1,
        -1,
        (int64_t{1} << 53),
        (int64_t{1} << 53) + 1,
        (int64_t{1} << 53) - 1,
        -(int64_t{1} << 53) - 1,
        -(int64_t{1} << 53),
    };
    if (pick(2)) return kSpecial[pick(kSpecial.size())];
    // Near a power of two above 2^53, where doubles have gaps.
    int shift = 53 + static_cast<int>(pick(10));
    int64_t base = int64_t{1} << shift;
    int64_t v = base + static_cast<int64_t>(pick(4097)) - 2048;
    return pick(2) ? Json(v) : Json(-v);
  }

  double real() {
    switch (pick(7)) {
      case 0:
        return -0.0;
      case 1:
        return std::numeric_limits<double>::infinity();
      case 2:
        return -std::numeric_limits<double>::infinity();
      case 3:
        return (static_cast<double>(pick(2001)) - 1000) / 8;  // fractions, negatives
      case 4:
        return std::ldexp(static_cast<double>(pick(1u << 20)), 40 + pick(30)) *
               (pick(2) ? 1 : -1);  // large, near the int64/uint64 ranges
      case 5:
        return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
      default:
        return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng_),
                          static_cast<int>(pick(2000)) - 1000);
    }
  }

  Json string() {
    static const char kAlphabet[] = {'\0', '\x01', 'a', 'b', '\xff', '\xfe'};
    std::string s;
    size_t n = pick(5);
    for (size_t i = 0; i < n; ++i) s.push_back(kAlphabet[pick(sizeof kAlphabet)]);
    return s;
  }

 private:
  uint64_t pick(uint64_t n) { return rng_() % n; }
  std::mt19937_64 rng_;
};

TEST_CASE("codec: big-endian integers") {
  std::string s;
  put_u32_be(&s, 0x01020304u);
  put_u64_be(&s, 0xA1B2C3D4E5F60718ull);
  REQUIRE(s.size() == 12);
  CHECK(s.substr(0, 4) == std::string("\x01\x02\x03\x04", 4));
  CHECK(static_cast<unsigned char>(s[4]) == 0xA1);
  CHECK(get_u32_be(s, 0) == 0x01020304u);
  CHECK(get_u64_be(s, 4) == 0xA1B2C3D4E5F60718ull);
  std::string a, b;
  put_u64_be(&a, 255);
  put_u64_be(&b, 256);
  CHECK(a < b);
  std::string m;
  put_u32_be(&m, 0xFFFFFFFFu);
  CHECK(get_u32_be(m, 0) == 0xFFFFFFFFu);
}

TEST_CASE("codec: fixed examples order as values") {
  const std::vector<Json> ordered = {
      nullptr,
      false,
      true,
      -std::numeric_limits<double>::infinity(),
      std::numeric_limits<int64_t>::min(),
      -1e18,
      -(int64_t{1} << 53) - 1,
      -(int64_t{1} << 53),
      -1.5,
      -1,
      0,
      0.25,
      1,
      1.5,
      2,
      (int64_t{1} << 53),
      (int64_t{1} << 53) + 1,
      (int64_t{1} << 53) + 2,
      std::numeric_limits<int64_t>::max() - 1,
      std::numeric_limits<int64_t>::max(),
      uint64_t{1} << 63,
      std::numeric_limits<uint64_t>::max(),
      1e20,
      std::numeric_limits<double>::infinity(),
      "",
      std::string("\0", 1),
      std::string("\0\0", 2),
      std::string("\0\x01", 2),
      "a",
      std::string("a\0", 2),
      std::string("a\0b", 3),
      "ab",
      "\xff",
      Json::array(),
      Json::array({nullptr}),
      Json::array({1}),
      Json::array({1, 2}),
      Json::array({"a"}),
      Json::object(),
      Json::object({{"a", 1}}),
      Json::object({{"a", 2}}),
      Json::object({{"b", 0}}),
  };
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    INFO(show(ordered[i]) << " < " << show(ordered[i + 1]));
    CHECK(encode_ordered(ordered[i]) < encode_ordered(ordered[i + 1]));
  }
  CHECK(encode_ordered(Json(-0.0)) == encode_ordered(Json(0.0)));
  CHECK(encode_ordered(Json(0.0)) == encode_ordered(Json(0)));
  CHECK(encode_ordered(Json(3.0)) == encode_ordered(Json(uint64_t{3})));
  CHECK(encode_ordered(Json(-7.0)) == encode_ordered(Json(int64_t{-7})));
  CHECK(encode_ordered(Json(9223372036854775808.0)) == encode_ordered(Json(uint64_t{1} << 63)));
  CHECK(encode_ordered(Json(std::nan(""))) > encode_ordered(Json(INFINITY)));
  CHECK(encode_ordered(Json(std::nan(""))) < encode_ordered(Json("")));
}

TEST_CASE("codec: encoding order equals value order on random pairs") {
  Gen gen(20261121);
  int checked = 0, near_ties = 0, equal_numbers = 0;
  for (int i = 0; i < 200000; ++i) {
    Json a = gen.value(), b = gen.value();
    if (i % 4 == 0 && a.is_number()) b = gen.near(a);
    if (a.is_number() && b.is_number() && a.get<double>() == b.get<double>()) {
      (reference_compare(a, b) == 0 ? equal_numbers : near_ties)++;
    }
    std::string ea = encode_ordered(a), eb = encode_ordered(b);
    int want = reference_compare(a, b);
    if (byte_compare(ea, eb) != want) {
      FAIL_CHECK(show(a) << " vs " << show(b) << ": want " << want);
    }
    ++checked;
  }
  CHECK(checked == 200000);
  CHECK(near_ties > 100);      // distinct integers that round to the same double
  CHECK(equal_numbers > 100);  // equal values of different types (1 vs 1.0, -0.0 vs 0)
}

TEST_CASE("codec: composite keys order lexicographically") {
  Gen gen(7);
  for (int i = 0; i < 50000; ++i) {
    Json a1 = gen.scalar(), a2 = gen.scalar(), b1 = gen.scalar(), b2 = gen.scalar();
    if (i % 3 == 0) b1 = a1;  // exercise the second component
    std::string ka = encode_ordered(a1) + encode_ordered(a2);
    std::string kb = encode_ordered(b1) + encode_ordered(b2);
    int want = reference_compare(a1, b1);
    if (want == 0) want = reference_compare(a2, b2);
    if (byte_compare(ka, kb) != want) {
      FAIL_CHECK("(" << show(a1) << ", " << show(a2) << ") vs (" << show(b1) << ", " << show(b2)
                     << ")");
    }
  }
}

TEST_CASE("codec: decode round-trips and rejects truncated input") {
  Gen gen(42);
  for (int i = 0; i < 50000; ++i) {
    Json v = gen.value();
    std::string e = encode_ordered(v);
    std::string two = e + encode_ordered(Json("tail"));
    size_t offset = 0;
    Json back;
    REQUIRE(decode_ordered(two, &offset, &back));
    CHECK(offset == e.size());
    if (reference_compare(v, back) != 0 || encode_ordered(back) != e) {
      FAIL_CHECK(show(v) << " decoded as " << show(back));
    }
    Json tail;
    REQUIRE(decode_ordered(two, &offset, &tail));
    CHECK(tail == "tail");
    CHECK(offset == two.size());
    for (size_t cut = 0; cut < e.size(); ++cut) {
      size_t off = 0;
      Json part;
      if (decode_ordered(std::string_view(e).substr(0, cut), &off, &part)) {
        FAIL_CHECK("prefix " << cut << " of " << show(v) << " decoded");
      }
    }
  }
  // Types survive where they can: integers stay integers, fractions stay doubles.
  size_t off = 0;
  Json v;
  std::string e = encode_ordered(Json(std::numeric_limits<int64_t>::min()));
  REQUIRE(decode_ordered(e, &off, &v));
  CHECK(v.is_number_integer());
  CHECK(v.get<int64_t>() == std::numeric_limits<int64_t>::min());
  off = 0;
  e = encode_ordered(Json(std::numeric_limits<uint64_t>::max()));
  REQUIRE(decode_ordered(e, &off, &v));
  CHECK(v.get<uint64_t>() == std::numeric_limits<uint64_t>::max());
  off = 0;
  e = encode_ordered(Json(-2.5));
  REQUIRE(decode_ordered(e, &off, &v));
  CHECK(v.is_number_float());
  CHECK(v.get<double>() == -2.5);
  off = 0;
  e = encode_ordered(Json(std::string("x\0y", 3)));
  REQUIRE(decode_ordered(e, &off, &v));
  CHECK(v == std::string("x\0y", 3));
}

TEST_CASE("codec: decode rejects malformed bytes") {
  auto bad = [](std::string bytes) {
    size_t off = 0;
    Json v;
    return !decode_ordered(bytes, &off, &v);
  };
  CHECK(bad(""));
  CHECK(bad("\x7f"));
  CHECK(
      bad(std::string("\x40"
                      "a\0\x02",
                      4)));  // bad escape
  CHECK(
      bad(std::string("\x40"
                      "a\0",
                      3)));
  CHECK(bad(std::string("\x50\x10", 2)));      // unterminated array
  CHECK(bad(std::string("\x60\x10\x00", 3)));  // object key not a string
}

}  // namespace
}  // namespace strata::storage
