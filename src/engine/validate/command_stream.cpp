#include "engine/validate/command_stream.hpp"

#include <algorithm>

namespace strata::engine::validate {

CommandStream::CommandStream(const std::vector<std::string_view>& commands) : commands_(commands) {
  if (commands_.size() >= kThreadFrom) worker_ = std::thread([this] { work(); });
}

CommandStream::~CommandStream() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  room_.notify_all();
  worker_.join();
}

void CommandStream::work() {
  for (size_t begin = 0; begin < commands_.size(); begin += kChunk) {
    const size_t end = std::min(begin + kChunk, commands_.size());
    std::vector<ParsedCommand> chunk(end - begin);
    for (size_t i = begin; i < end; ++i) {
      ParsedCommand& c = chunk[i - begin];
      c.syntax = check_syntax(commands_[i], i + 1, &c.statement);
    }
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [this] { return stop_ || chunks_.size() < kChunksAhead; });
    if (stop_) return;
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
  }
}

ParsedCommand CommandStream::next(size_t index) {
  if (!worker_.joinable()) {
    ParsedCommand c;
    c.syntax = check_syntax(commands_[index - 1], index, &c.statement);
    return c;
  }
  if (current_pos_ == current_.size()) {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [this] { return !chunks_.empty(); });
    current_ = std::move(chunks_.front());
    chunks_.pop_front();
    current_pos_ = 0;
    room_.notify_one();
  }
  return std::move(current_[current_pos_++]);
}

}  // namespace strata::engine::validate
