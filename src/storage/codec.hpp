#pragma once
// Codec: the byte encodings the engine builds keys from (keys.hpp). Pure functions, no RocksDB.
//
// Fixed-width integers are big-endian, so their byte order is their numeric order.
//
// encode_ordered() maps a JSON value to bytes whose byte order (memcmp, shorter-prefix first)
// is the value order, and which are self-delimiting, so a composite key is just the
// concatenation of its parts. The order is:
//   null < false < true < numbers < strings < arrays < objects
// - Numbers (int64, uint64 and double together) compare by exact numeric value: 1 == 1.0,
//   -0.0 == 0.0, and integers beyond 2^53 keep their exact order. Equal numbers encode to the
//   same bytes. -inf and +inf sort at the ends; every NaN sorts after +inf.
// - Strings compare by their bytes (UTF-8 order is code point order).
// - Arrays compare element by element (a proper prefix first); objects key/value pair by pair
//   in the map's (key-sorted) order.
// Layout: a tag byte, then for numbers 8 bytes of order-preserving double plus 2 bytes of
// exact integer tie-break; for strings the bytes with 0x00 escaped as 0x00 0xFF and ended by
// 0x00 0x01; for arrays/objects the encoded elements (objects: key string, value) ended by 0x00.
//
// decode_ordered() reads one value back. Numbers come back in canonical form: an integer
// (int64, else uint64) when the value is integral and fits, else a double.
//
// Thread-safety: stateless functions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::storage {

// Appends `v` as 4 / 8 bytes, most significant first.
void put_u32_be(std::string* out, uint32_t v);
void put_u64_be(std::string* out, uint64_t v);
// Reads 4 / 8 big-endian bytes at `offset`. REQUIRES: offset + 4 (8) <= in.size().
uint32_t get_u32_be(std::string_view in, size_t offset);
uint64_t get_u64_be(std::string_view in, size_t offset);

// Appends the order-preserving encoding of `v` (any JSON value; see above).
void encode_ordered(std::string* out, const Json& v);
// The same, as a new string.
std::string encode_ordered(const Json& v);
// encode_ordered of a JSON string, integer or boolean given as such, without a Json value
// (the same bytes).
void encode_ordered_string(std::string* out, std::string_view s);
void encode_ordered_integer(std::string* out, int64_t n);
void encode_ordered_bool(std::string* out, bool b);

// Decodes one value starting at *offset and advances *offset past it. Returns false (and
// leaves *offset and *out unspecified) when the bytes are not a valid encoding.
bool decode_ordered(std::string_view in, size_t* offset, Json* out);

}  // namespace strata::storage
