#include "common/status.hpp"

#include "common/status_details.hpp"

namespace strata {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kSyntaxError: return "SYNTAX_ERROR";
    case Code::kNoActiveDatabase: return "NO_ACTIVE_DATABASE";
    case Code::kDatabaseNotFound: return "DATABASE_NOT_FOUND";
    case Code::kDatabaseExists: return "DATABASE_EXISTS";
    case Code::kDatabaseInUse: return "DATABASE_IN_USE";
    case Code::kBundleNotFound: return "BUNDLE_NOT_FOUND";
    case Code::kBundleExists: return "BUNDLE_EXISTS";
    case Code::kBundleReferenced: return "BUNDLE_REFERENCED";
    case Code::kFieldNotFound: return "FIELD_NOT_FOUND";
    case Code::kFieldExists: return "FIELD_EXISTS";
    case Code::kFieldIndexed: return "FIELD_INDEXED";
    case Code::kRelationshipNotFound: return "RELATIONSHIP_NOT_FOUND";
    case Code::kRelationshipExists: return "RELATIONSHIP_EXISTS";
    case Code::kIndexNotFound: return "INDEX_NOT_FOUND";
    case Code::kIndexExists: return "INDEX_EXISTS";
    case Code::kIndexImplicit: return "INDEX_IMPLICIT";
    case Code::kDocumentNotFound: return "DOCUMENT_NOT_FOUND";
    case Code::kConstraintViolation: return "CONSTRAINT_VIOLATION";
    case Code::kTypeMismatch: return "TYPE_MISMATCH";
    case Code::kUnknownType: return "UNKNOWN_TYPE";
    case Code::kInvalidValue: return "INVALID_VALUE";
    case Code::kInvalidSetting: return "INVALID_SETTING";
    case Code::kMigrationNotFound: return "MIGRATION_NOT_FOUND";
    case Code::kMigrationNotPending: return "MIGRATION_NOT_PENDING";
    case Code::kEmptyMigration: return "EMPTY_MIGRATION";
    case Code::kDescriptionTooLong: return "DESCRIPTION_TOO_LONG";
    case Code::kNameTooLong: return "NAME_TOO_LONG";
    case Code::kOutOfOrder: return "OUT_OF_ORDER";
    case Code::kValidationFailed: return "VALIDATION_FAILED";
    case Code::kWarningsRequireForce: return "WARNINGS_REQUIRE_FORCE";
    case Code::kInvalidTargetVersion: return "INVALID_TARGET_VERSION";
    case Code::kSchemaNotRecorded: return "SCHEMA_NOT_RECORDED";
    case Code::kMissingDownCommands: return "MISSING_DOWN_COMMANDS";
    case Code::kRollbackFailed: return "ROLLBACK_FAILED";
    case Code::kRollbackConflict: return "ROLLBACK_CONFLICT";
    case Code::kApprovalRequired: return "APPROVAL_REQUIRED";
    case Code::kApprovalInvalid: return "APPROVAL_INVALID";
    case Code::kChecksumMismatch: return "CHECKSUM_MISMATCH";
    case Code::kTimeout: return "TIMEOUT";
    case Code::kCancelled: return "CANCELLED";
    case Code::kPermissionDenied: return "PERMISSION_DENIED";
    case Code::kAuthFailed: return "AUTH_FAILED";
    case Code::kUserNotFound: return "USER_NOT_FOUND";
    case Code::kUserExists: return "USER_EXISTS";
    case Code::kFrameTooLarge: return "FRAME_TOO_LARGE";
    case Code::kInvalidBackup: return "INVALID_BACKUP";
    case Code::kBackupExists: return "BACKUP_EXISTS";
    case Code::kDirectSchemaChangesDisabled: return "DIRECT_SCHEMA_CHANGES_DISABLED";
    case Code::kStorageError: return "STORAGE_ERROR";
    case Code::kStoreUnavailable: return "STORE_UNAVAILABLE";
    case Code::kStoreFull: return "STORE_FULL";
    case Code::kStoreReadOnly: return "STORE_READ_ONLY";
    case Code::kUnsupported: return "UNSUPPORTED";
    case Code::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

std::string_view code_type(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kSyntaxError: return "SYNTAX";
    case Code::kNoActiveDatabase:
    case Code::kDatabaseInUse:
    case Code::kCancelled: return "SESSION";
    case Code::kDatabaseNotFound:
    case Code::kDatabaseExists:
    case Code::kBundleNotFound:
    case Code::kBundleExists:
    case Code::kBundleReferenced:
    case Code::kFieldNotFound:
    case Code::kFieldExists:
    case Code::kFieldIndexed:
    case Code::kRelationshipNotFound:
    case Code::kRelationshipExists:
    case Code::kIndexNotFound:
    case Code::kIndexExists:
    case Code::kIndexImplicit:
    case Code::kUnknownType:
    case Code::kInvalidSetting:
    case Code::kDirectSchemaChangesDisabled: return "SCHEMA";
    case Code::kDocumentNotFound:
    case Code::kConstraintViolation:
    case Code::kTypeMismatch:
    case Code::kInvalidValue: return "DATA";
    case Code::kMigrationNotFound:
    case Code::kMigrationNotPending:
    case Code::kEmptyMigration:
    case Code::kDescriptionTooLong:
    case Code::kNameTooLong:
    case Code::kOutOfOrder:
    case Code::kValidationFailed:
    case Code::kWarningsRequireForce:
    case Code::kInvalidTargetVersion:
    case Code::kSchemaNotRecorded:
    case Code::kMissingDownCommands:
    case Code::kRollbackFailed:
    case Code::kRollbackConflict:
    case Code::kChecksumMismatch:
    case Code::kApprovalRequired:
    case Code::kApprovalInvalid:
    case Code::kTimeout: return "MIGRATION";
    case Code::kPermissionDenied:
    case Code::kAuthFailed:
    case Code::kUserNotFound:
    case Code::kUserExists: return "AUTH";
    case Code::kFrameTooLarge: return "PROTOCOL";
    case Code::kInvalidBackup:
    case Code::kBackupExists:
    case Code::kStorageError:
    case Code::kStoreUnavailable:
    case Code::kStoreFull:
    case Code::kStoreReadOnly: return "STORAGE";
    case Code::kUnsupported:
    case Code::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(code_name(code_)) + ": " + message_;
}

Status with_details(Status status, Json fields) {
  if (status.ok() || !fields.is_object() || fields.empty()) return status;
  auto merged = std::make_shared<StatusDetails>();
  if (status.details()) merged->fields = status.details()->fields;
  for (auto& [key, value] : fields.items()) merged->fields[key] = std::move(value);
  status.set_details(std::move(merged));
  return status;
}

const Json& details_of(const Status& status) {
  static const Json kNone = Json::object();
  return status.details() ? status.details()->fields : kNone;
}

}  // namespace strata
