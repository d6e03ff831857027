#include "server/responses.hpp"

#include "engine/response.hpp"

namespace strata::server {

std::string json_line(const Json& value) {
  std::string line = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  line.push_back('\n');
  return line;
}

std::string error_line(const Status& status) { return json_line(engine::error(status)); }

}  // namespace strata::server
