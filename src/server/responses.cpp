#include "server/responses.hpp"

namespace strata::server {

std::string json_line(const Json& value) {
  std::string line = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  line.push_back('\n');
  return line;
}

std::string error_line(const Status& status) {
  Json response = {{"status", "error"},
                   {"success", false},
                   {"message", status.message()},
                   {"error",
                    {{"code", std::string(code_name(status.code()))},
                     {"type", std::string(code_type(status.code()))},
                     {"message", status.message()}}}};
  if (status.details().is_object()) {
    for (const auto& [key, value] : status.details().items()) response[key] = value;
  }
  return json_line(response);
}

}  // namespace strata::server
