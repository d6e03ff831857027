#pragma once
// A hand-written scanner for the common shape of ADD DOCUMENT, the statement large migrations
// are made of (a 100,000-document migration is parsed at START, VALIDATE and APPLY). It is an
// optimisation of the PEGTL parse of grammar::add_document, not a second grammar: it accepts a
// conservative subset of that rule, and for it builds exactly the values the PEGTL actions
// build (the same decode_string and parse_number over the same spans). For anything outside
// the subset it declines, having changed nothing, and the PEGTL parser decides — whether the
// text is valid or not, so every error still comes from the grammar.
//
// The subset:
//   - ADD DOCUMENT TO BUNDLE "b" WITH [VALUES] ( {...} ), keywords in any case;
//   - exactly one document object (a second one, `( {...}, {...} )`, is declined), its members
//     written `"k": v` or `"k" = v`;
//   - values: strings of printable ASCII and escapes (a byte >= 0x80 or below 0x20 is
//     declined), numbers, TRUE / FALSE / NULL, and objects and arrays, with at most
//     kFastMaxNesting brackets open at once (the '(' included);
//   - whitespace between tokens (a comment anywhere is declined) and after the closing ')'.
// Thread-safety: a pure function.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::parser {

// Deepest bracket nesting the scanner handles itself; deeper documents go to PEGTL. Far
// below kMaxNesting, so the scanner never has to report a nesting error.
inline constexpr int kFastMaxNesting = 16;

// An ADD DOCUMENT the scanner recognised.
struct FastAddDocument {
  std::string bundle;
  Json values;      // a JSON object, as action<grammar::add_document> gives it to ast::AddDocument
  size_t size = 0;  // bytes from `begin` up to the end of the whitespace after the ')'
};

// Recognises the statement starting at `begin` (the 'A' of ADD) if it is an ADD DOCUMENT of
// the subset above. Returns nullopt for any other text, valid or not.
std::optional<FastAddDocument> scan_add_document(const char* begin, const char* end);

// One member of a flat document (scan_add_document_text), pointing into the scanned text.
struct FlatMember {
  enum class Kind : uint8_t { kString, kInteger, kTrue, kFalse, kNull };
  std::string_view key;
  std::string_view token;  // kString: the body between the quotes (no escapes); kInteger: the
                           // digits with their sign; else the literal as written
  Kind kind;
};

// An ADD DOCUMENT as START MIGRATION keeps it (ast::MigrationCommand): its bundle and the
// canonical text of its values, made without building them; and those values, as members.
struct FastAddDocumentText {
  std::string bundle;
  std::string values;                // parser::json(values) of the document the statement holds
  std::vector<FlatMember> members;   // sorted by key, keys distinct; views into the text
  size_t size = 0;                   // as FastAddDocument::size
};

// scan_add_document for a flat document, written straight as canonical text: a narrower
// subset, whose canonical form is the source's own tokens with the members sorted — keys and
// string values of printable ASCII without escapes (they print back unchanged), integers of
// at most 18 digits but "-0" (they print back unchanged), TRUE / FALSE / NULL (they print in
// lower case), no nested object or array, no key written twice. nullopt otherwise. The
// canonical text is also what nlohmann's dump() prints for that document.
std::optional<FastAddDocumentText> scan_add_document_text(const char* begin, const char* end);

}  // namespace strata::parser
