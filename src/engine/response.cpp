#include "engine/response.hpp"

#include "common/status_details.hpp"

namespace strata::engine {

Json success(Json fields) {
  Json out = Json::object();
  out["status"] = "success";
  out["success"] = true;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) out[k] = std::move(v);
  }
  return out;
}

Json success_message(std::string message) { return success(Json{{"message", std::move(message)}}); }

Json error(const Status& status) {
  Json out = Json::object();
  out["status"] = "error";
  out["success"] = false;
  out["message"] = status.message();
  out["error"] = Json{{"code", std::string(code_name(status.code()))},
                      {"type", std::string(code_type(status.code()))},
                      {"message", status.message()}};
  for (const auto& [k, v] : details_of(status).items()) {
    if (k != "status" && k != "success" && k != "error" && k != "message") out[k] = v;
  }
  return out;
}

bool is_success(const Json& response) {
  auto it = response.find("success");
  return it != response.end() && it->is_boolean() && it->get<bool>();
}

double elapsed_ms(std::chrono::steady_clock::time_point started) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  return static_cast<double>(us) / 1000.0;
}

std::string serialize(const Json& response) {
  return response.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json Answer::json() const& { return text_ ? Json::parse(*text_) : json_; }
Json Answer::json() && { return text_ ? Json::parse(*text_) : std::move(json_); }

}  // namespace strata::engine
