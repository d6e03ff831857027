#pragma once
// Status and Result: how every layer but the parser's internals reports failure (STYLE §8).
//
// A Status is either ok or an error with a stable Code (the UPPER_SNAKE list of SPEC §5), a
// human message in the seed's wording, and optional detail fields that the response carries
// next to "error" (e.g. "line", "column", "report": status_details.hpp, which alone knows they
// are JSON). Statuses are values: cheap to move, safe to copy, no exceptions. Thread-safety:
// plain value types.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace strata {

struct StatusDetails;  // status_details.hpp

// The stable error codes of SPEC §5. The order is the documentation order in README.md.
enum class Code {
  kOk = 0,
  kSyntaxError,
  kNoActiveDatabase,
  kDatabaseNotFound,
  kDatabaseExists,
  kDatabaseInUse,
  kBundleNotFound,
  kBundleExists,
  kBundleReferenced,
  kFieldNotFound,
  kFieldExists,
  kFieldIndexed,
  kRelationshipNotFound,
  kRelationshipExists,
  kIndexNotFound,
  kIndexExists,
  kIndexImplicit,
  kDocumentNotFound,
  kConstraintViolation,
  kTypeMismatch,
  kUnknownType,
  kInvalidValue,
  kInvalidSetting,
  kMigrationNotFound,
  kMigrationNotPending,
  kEmptyMigration,
  kDescriptionTooLong,
  kNameTooLong,
  kOutOfOrder,
  kValidationFailed,
  kWarningsRequireForce,
  kInvalidTargetVersion,
  kSchemaNotRecorded,
  kMissingDownCommands,
  kRollbackFailed,
  kRollbackConflict,
  kChecksumMismatch,
  kTimeout,
  kCancelled,
  kApprovalRequired,
  kApprovalInvalid,
  kPermissionDenied,
  kAuthFailed,
  kUserNotFound,
  kUserExists,
  kFrameTooLarge,
  kInvalidBackup,
  kBackupExists,
  kDirectSchemaChangesDisabled,
  kStorageError,
  kStoreUnavailable,
  kStoreFull,
  kStoreReadOnly,
  kUnsupported,
  kInternal,
};

// "SYNTAX_ERROR" etc.: the wire name of a code.
std::string_view code_name(Code code);
// The "type" of an error response: SESSION, SYNTAX, SCHEMA, DATA, MIGRATION, AUTH, PROTOCOL,
// STORAGE or INTERNAL.
std::string_view code_type(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // Extra fields for the error response (status_details.hpp: with_details, details_of);
  // nullptr when there are none.
  const std::shared_ptr<const StatusDetails>& details() const { return details_; }
  void set_details(std::shared_ptr<const StatusDetails> details) { details_ = std::move(details); }

  // "CODE: message", for logs and tests.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::shared_ptr<const StatusDetails> details_;
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace strata

// Returns the status from the enclosing function when it is not ok.
#define STRATA_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::strata::Status _st = (expr);           \
    if (!_st.ok()) return _st;               \
  } while (0)
