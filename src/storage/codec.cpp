// Codec: big-endian integers and the order-preserving encoding of JSON values (codec.hpp).

#include "storage/codec.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace strata::storage {
namespace {

// Tags: their order is the order of the value kinds. 0x00 ends arrays and objects, so it is
// below every tag.
constexpr char kEnd = 0x00;
constexpr char kNull = 0x10;
constexpr char kFalse = 0x20;
constexpr char kTrue = 0x21;
constexpr char kNumber = 0x30;
constexpr char kString = 0x40;
constexpr char kArray = 0x50;
constexpr char kObject = 0x60;

constexpr uint16_t kTieBias = 0x8000;
using Int128 = __int128;

// Maps a double to a uint64 whose unsigned order is the double's order (-0.0 as 0.0, every
// NaN as one NaN above +inf).
uint64_t ordered_bits(double d) {
  if (d == 0) d = 0.0;
  if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
  uint64_t bits = std::bit_cast<uint64_t>(d);
  if (std::isnan(d)) bits &= ~(uint64_t{1} << 63);
  return (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
}

double from_ordered_bits(uint64_t bits) {
  bits = (bits & (uint64_t{1} << 63)) ? bits & ~(uint64_t{1} << 63) : ~bits;
  return std::bit_cast<double>(bits);
}

// An integer n is encoded as (double nearest n, n - that double). The rounding error is at
// most half an ulp (<= 1024 below 2^64), so it fits the 2-byte tie-break.
void encode_integer(std::string* out, Int128 n) {
  double d = static_cast<double>(n);
  Int128 tie = n - static_cast<Int128>(d);
  put_u64_be(out, ordered_bits(d));
  uint16_t t = static_cast<uint16_t>(static_cast<int>(tie) + kTieBias);
  out->push_back(static_cast<char>(t >> 8));
  out->push_back(static_cast<char>(t & 0xFF));
}

void encode_double(std::string* out, double d) {
  put_u64_be(out, ordered_bits(d));
  out->push_back(static_cast<char>(kTieBias >> 8));
  out->push_back(static_cast<char>(kTieBias & 0xFF));
}

void encode_string(std::string* out, std::string_view s) {
  out->push_back(kString);
  for (char c : s) {
    out->push_back(c);
    if (c == 0) out->push_back(static_cast<char>(0xFF));
  }
  out->push_back(0x00);
  out->push_back(0x01);
}

// The numeric value of a decoded (double, tie) pair, in canonical form.
Json number_value(double d, int tie) {
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr double kTwo64 = 18446744073709551616.0;
  bool integral = std::isfinite(d) && std::trunc(d) == d && d >= -kTwo63 && d <= kTwo64;
  if (!integral) {
    if (tie != 0) return Json();  // caller treats a null as malformed
    return Json(d == 0 ? 0.0 : d);
  }
  Int128 n = static_cast<Int128>(d) + tie;
  if (n >= std::numeric_limits<int64_t>::min() && n <= std::numeric_limits<int64_t>::max()) {
    return Json(static_cast<int64_t>(n));
  }
  if (n >= 0 && n <= static_cast<Int128>(std::numeric_limits<uint64_t>::max())) {
    return Json(static_cast<uint64_t>(n));
  }
  if (tie != 0) return Json();
  return Json(d);  // 2^64 exactly: only a double can hold it
}

bool decode_string(std::string_view in, size_t* offset, std::string* out) {
  size_t i = *offset;
  while (i < in.size()) {
    char c = in[i++];
    if (c != 0) {
      out->push_back(c);
      continue;
    }
    if (i >= in.size()) return false;
    unsigned char next = static_cast<unsigned char>(in[i++]);
    if (next == 0xFF) {
      out->push_back('\0');
    } else if (next == 0x01) {
      *offset = i;
      return true;
    } else {
      return false;
    }
  }
  return false;
}

bool decode_at(std::string_view in, size_t* offset, Json* out, int depth) {
  if (*offset >= in.size() || depth > 512) return false;
  char tag = in[(*offset)++];
  switch (tag) {
    case kNull:
      *out = nullptr;
      return true;
    case kFalse:
      *out = false;
      return true;
    case kTrue:
      *out = true;
      return true;
    case kNumber: {
      if (in.size() - *offset < 10) return false;
      double d = from_ordered_bits(get_u64_be(in, *offset));
      int tie = ((static_cast<unsigned char>(in[*offset + 8]) << 8) |
                 static_cast<unsigned char>(in[*offset + 9])) -
                kTieBias;
      *offset += 10;
      *out = number_value(d, tie);
      return !out->is_null();
    }
    case kString: {
      std::string s;
      if (!decode_string(in, offset, &s)) return false;
      *out = std::move(s);
      return true;
    }
    case kArray:
    case kObject: {
      *out = tag == kArray ? Json::array() : Json::object();
      while (true) {
        if (*offset >= in.size()) return false;
        if (in[*offset] == kEnd) {
          ++*offset;
          return true;
        }
        if (tag == kArray) {
          Json e;
          if (!decode_at(in, offset, &e, depth + 1)) return false;
          out->push_back(std::move(e));
        } else {
          std::string k;
          Json e;
          if (*offset >= in.size() || in[(*offset)++] != kString) return false;
          if (!decode_string(in, offset, &k)) return false;
          if (!decode_at(in, offset, &e, depth + 1)) return false;
          (*out)[k] = std::move(e);
        }
      }
    }
    default:
      return false;
  }
}

}  // namespace

void put_u32_be(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void put_u64_be(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

uint32_t get_u32_be(std::string_view in, size_t offset) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[offset + i]);
  return v;
}

uint64_t get_u64_be(std::string_view in, size_t offset) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[offset + i]);
  return v;
}

void encode_ordered(std::string* out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      out->push_back(kNull);
      return;
    case Json::value_t::boolean:
      encode_ordered_bool(out, v.get<bool>());
      return;
    case Json::value_t::number_integer:
      encode_ordered_integer(out, v.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      out->push_back(kNumber);
      encode_integer(out, v.get<uint64_t>());
      return;
    case Json::value_t::number_float:
      out->push_back(kNumber);
      encode_double(out, v.get<double>());
      return;
    case Json::value_t::string:
      encode_string(out, v.get_ref<const std::string&>());
      return;
    case Json::value_t::array:
      out->push_back(kArray);
      for (const Json& e : v) encode_ordered(out, e);
      out->push_back(kEnd);
      return;
    case Json::value_t::object:
      out->push_back(kObject);
      for (const auto& [k, e] : v.items()) {
        encode_string(out, k);
        encode_ordered(out, e);
      }
      out->push_back(kEnd);
      return;
    case Json::value_t::binary: {
      const auto& b = v.get_binary();
      out->push_back(kArray);  // bytes, as an array of their values
      for (uint8_t byte : b) encode_ordered(out, Json(static_cast<uint64_t>(byte)));
      out->push_back(kEnd);
      return;
    }
  }
}

std::string encode_ordered(const Json& v) {
  std::string out;
  encode_ordered(&out, v);
  return out;
}

void encode_ordered_string(std::string* out, std::string_view s) { encode_string(out, s); }

void encode_ordered_integer(std::string* out, int64_t n) {
  out->push_back(kNumber);
  encode_integer(out, n);
}

void encode_ordered_bool(std::string* out, bool b) { out->push_back(b ? kTrue : kFalse); }

bool decode_ordered(std::string_view in, size_t* offset, Json* out) {
  return decode_at(in, offset, out, 0);
}

}  // namespace strata::storage
