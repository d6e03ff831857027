#pragma once
// Json: the one JSON value type of the engine, the server and the clients (nlohmann::json), as
// responses and documents are written. The storage layer's own code does not use it except for
// the document codec (storage/codec.hpp).

#include <nlohmann/json.hpp>

namespace strata {

using Json = nlohmann::json;

}  // namespace strata
