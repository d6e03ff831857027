// Validation phase 1 without a database (syntax_check.hpp): type names, duplicate fields,
// name and description lengths, well-formed values, non-empty migrations.
#include "parser/syntax_check.hpp"

#include <cstdint>
#include <limits>
#include <set>
#include <type_traits>

namespace strata::parser {
namespace {

constexpr size_t kMaxDescriptionChars = 500;
constexpr size_t kMaxNameChars = 200;

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Unicode code points of UTF-8 text: every byte that is not a continuation byte.
size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool digits(std::string_view s, size_t at, size_t count, int* value) {
  if (at + count > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Collects the issues of one statement; `command` is its index inside a migration (0: none).
class Checker {
 public:
  explicit Checker(std::vector<SyntaxIssue>* out) : out_(out) {}

  void check(const ast::Statement& s, size_t command) {
    command_ = command;
    std::visit([this](const auto& node) { visit(node); }, s);
  }

 private:
  void issue(Code code, std::string message, ast::Pos pos) {
    out_->push_back(SyntaxIssue{code, std::move(message), pos, command_});
  }

  void field(const ast::FieldDef& f) {
    const std::optional<FieldType> type = resolve_type(f.type);
    if (!type) {
      issue(Code::kUnknownType, "Unknown type '" + f.type + "' for field '" + f.name + "'", f.pos);
      return;
    }
    if (!f.default_value.is_null() && !value_matches(*type, f.default_value)) {
      issue(Code::kTypeMismatch,
            "Default value " +
                f.default_value.dump(-1, ' ', false, Json::error_handler_t::replace) +
                " of field '" + f.name + "' is not a valid " + type_name(*type),
            f.pos);
    }
  }

  void visit(const ast::CreateBundle& s) {
    std::set<std::string> seen;
    for (const ast::FieldDef& f : s.fields) {
      if (!seen.insert(f.name).second) {
        issue(Code::kFieldExists, "Duplicate field '" + f.name + "' in bundle '" + s.bundle + "'",
              f.pos);
      }
      field(f);
    }
  }

  void visit(const ast::UpdateBundle& s) {
    for (const ast::BundleChange& change : s.changes) {
      if (const auto* add = std::get_if<ast::AddField>(&change)) field(add->field);
      if (const auto* mod = std::get_if<ast::ModifyField>(&change)) field(mod->field);
    }
  }

  void visit(const ast::AddDocument& s) {
    if (!s.values.is_object()) {
      issue(Code::kInvalidValue,
            "Document values for bundle '" + s.bundle + "' must be a JSON object", s.pos);
    }
  }

  void visit(const ast::StartMigration& s) {
    if (s.name && code_points(*s.name) > kMaxNameChars) {
      issue(Code::kNameTooLong, "migration name exceeds 200 character limit", s.pos);
    }
    if (s.description && code_points(*s.description) > kMaxDescriptionChars) {
      issue(Code::kDescriptionTooLong, "description exceeds 500 character limit", s.pos);
    }
    if (s.up.empty()) {
      issue(Code::kEmptyMigration, "migration must contain at least one command", s.pos);
    }
    // The commands' own findings were made by the parser (migration_command.hpp), numbered
    // 1.. through UP, with DOWN commands continuing the count.
    out_->insert(out_->end(), s.issues.begin(), s.issues.end());
  }

  // SPEC §4.8: a rollback's target t < 0 is an invalid target version.
  template <typename Rollback>
    requires requires(const Rollback& r) { r.negative; }
  void visit(const Rollback& s) {
    if (s.negative) issue(Code::kInvalidTargetVersion, "invalid target version", s.pos);
  }

  template <typename Other>
  void visit(const Other&) {}

  std::vector<SyntaxIssue>* out_;
  size_t command_ = 0;
};

}  // namespace

std::optional<FieldType> resolve_type(std::string_view name) {
  const std::string u = upper(name);
  if (u == "STRING") return FieldType::kString;
  if (u == "TEXT") return FieldType::kText;
  if (u == "INT" || u == "INTEGER") return FieldType::kInt;
  if (u == "FLOAT" || u == "DOUBLE") return FieldType::kFloat;
  if (u == "BOOLEAN" || u == "BOOL") return FieldType::kBoolean;
  if (u == "DATETIME") return FieldType::kDateTime;
  if (u == "JSON") return FieldType::kJson;
  return std::nullopt;
}

const char* type_name(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "STRING";
    case FieldType::kText:
      return "TEXT";
    case FieldType::kInt:
      return "INT";
    case FieldType::kFloat:
      return "FLOAT";
    case FieldType::kBoolean:
      return "BOOLEAN";
    case FieldType::kDateTime:
      return "DATETIME";
    case FieldType::kJson:
      return "JSON";
  }
  return "JSON";
}

bool kind_matches(FieldType type, ValueKind kind, std::string_view text) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kText:
      return kind == ValueKind::kString;
    case FieldType::kInt:
      return kind == ValueKind::kInteger;
    case FieldType::kFloat:
      return kind == ValueKind::kInteger || kind == ValueKind::kNumber;
    case FieldType::kBoolean:
      return kind == ValueKind::kBoolean;
    case FieldType::kDateTime:
      return kind == ValueKind::kString && is_rfc3339(text);
    case FieldType::kJson:
      return true;
  }
  return false;
}

bool value_matches(FieldType type, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return kind_matches(type, ValueKind::kNull);
    case Json::value_t::boolean:
      return kind_matches(type, ValueKind::kBoolean);
    case Json::value_t::number_integer:
      return kind_matches(type, ValueKind::kInteger);
    case Json::value_t::number_unsigned:
      return kind_matches(type, value.get<uint64_t>() <= static_cast<uint64_t>(
                                                              std::numeric_limits<int64_t>::max())
                                    ? ValueKind::kInteger
                                    : ValueKind::kNumber);
    case Json::value_t::number_float:
      return kind_matches(type, ValueKind::kNumber);
    case Json::value_t::string:
      return kind_matches(type, ValueKind::kString, value.get_ref<const std::string&>());
    case Json::value_t::array:
    case Json::value_t::binary:
      return kind_matches(type, ValueKind::kArray);
    case Json::value_t::object:
      return kind_matches(type, ValueKind::kObject);
  }
  return false;
}

// RFC 3339 §5.6 date-time: YYYY-MM-DD "T" HH:MM:SS [.frac] ("Z" / +HH:MM / -HH:MM), with
// calendar-valid dates (leap years), seconds up to 60 (leap second), "t" / "z" accepted.
bool is_rfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, &month) ||
      s[7] != '-' || !digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2, &hour) || s[13] != ':' || !digits(s, 14, 2, &minute) || s[16] != ':' ||
      !digits(s, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return false;
  }
  size_t i = 19;
  if (s[i] == '.') {
    const size_t frac = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == frac) return false;
  }
  if (i >= s.size()) return false;
  if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  int off_hour, off_minute;
  return i + 6 == s.size() && digits(s, i + 1, 2, &off_hour) && s[i + 3] == ':' &&
         digits(s, i + 4, 2, &off_minute) && off_hour <= 23 && off_minute <= 59;
}

std::vector<SyntaxIssue> syntax_check(const ast::Statement& statement) {
  std::vector<SyntaxIssue> issues;
  Checker(&issues).check(statement, 0);
  return issues;
}

}  // namespace strata::parser
