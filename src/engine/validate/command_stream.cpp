#include "engine/validate/command_stream.hpp"

#include <algorithm>

#include "parser/fast_add_document.hpp"

namespace strata::engine::validate {

CommandStream::CommandStream(const std::vector<std::string_view>& commands,
                             common::ThreadPool* pool)
    : commands_(commands), chunk_count_((commands.size() + kChunk - 1) / kChunk), worker_(pool) {
  if (pool == nullptr || commands_.size() < kThreadFrom) return;
  parsed_.resize(chunk_count_);
  done_.assign(chunk_count_, 0);
  threaded_ = true;  // the worker starts at the first next(), after the first publish()
}

CommandStream::~CommandStream() {
  if (!threaded_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  room_.notify_all();
  try {
    worker_.wait();  // a task that never started runs here and returns at once
  } catch (...) {    // out of memory on the worker: the stream is going away anyway
  }
}

CommandStream::Chunk CommandStream::parse_chunk(size_t chunk, const Publication& schema) const {
  const size_t begin = chunk * kChunk;
  const size_t end = std::min(begin + kChunk, commands_.size());
  Chunk out(end - begin);
  for (size_t i = begin; i < end; ++i) {
    ParsedCommand& c = out[i - begin];
    const std::string_view text = commands_[i];
    if (schema.schema) {
      // A flat document (most of a large migration) is read and prepared straight from its
      // text: the statement phase 1 would give is known without parsing it (the scanner
      // accepts a subset of the grammar, whose findings for ADD DOCUMENT are about values
      // that are not an object), and no tree of its values is built.
      auto flat = parser::scan_add_document_text(text.data(), text.data() + text.size());
      if (flat && flat->size == text.size()) {
        if (auto bound = bind_flat_add_document(*schema.schema, *flat)) {
          c.statement = ast::AddDocument{std::move(flat->bundle), Json(), ast::Pos{}};
          c.prepared = PreparedAdd{schema.number, std::move(*bound)};
          continue;
        }
      }
    }
    c.syntax = check_syntax(text, i + 1, &c.statement);
    if (!schema.schema || !c.syntax.empty() || !c.statement) continue;
    auto* add = std::get_if<ast::AddDocument>(&*c.statement);
    if (!add) continue;
    // The values move into the bound document: the statement keeps only its bundle name.
    auto bound = bind_add_document(*schema.schema, add->bundle, std::move(add->values));
    if (!bound.ok()) {
      // A refused document is left to the consumer, which reports it: parse it again, whole.
      c.statement.reset();
      c.syntax = check_syntax(text, i + 1, &c.statement);
      continue;
    }
    c.prepared = PreparedAdd{schema.number, std::move(*bound)};
  }
  return out;
}

uint64_t CommandStream::publish(std::shared_ptr<const DatabaseSchema> schema) {
  std::lock_guard<std::mutex> lock(mu_);
  published_.schema = std::move(schema);
  return ++published_.number;
}

void CommandStream::work() {
  for (;;) {
    size_t chunk;
    Publication schema;
    {
      std::unique_lock<std::mutex> lock(mu_);
      room_.wait(lock, [this] {
        return stop_ || next_claim_ >= chunk_count_ || next_claim_ < consumed_ + kChunksAhead;
      });
      if (stop_ || next_claim_ >= chunk_count_) return;
      chunk = next_claim_++;
      schema = published_;
    }
    Chunk out = parse_chunk(chunk, schema);
    {
      std::lock_guard<std::mutex> lock(mu_);
      parsed_[chunk] = std::move(out);
      done_[chunk] = 1;
    }
    ready_.notify_one();
  }
}

ParsedCommand CommandStream::next(size_t index) {
  if (!threaded_) {
    ParsedCommand c;
    c.syntax = check_syntax(commands_[index - 1], index, &c.statement);
    return c;
  }
  const size_t chunk = (index - 1) / kChunk;
  if (chunk != current_chunk_) {
    if (!started_) {
      started_ = true;
      worker_.run([this] { work(); });
    }
    std::unique_lock<std::mutex> lock(mu_);
    // Until the chunk is parsed, parse the next unclaimed one here instead of waiting: the
    // chunk itself when nobody has started it, otherwise one ahead of the worker, so both
    // cores parse while the consumer would be idle.
    while (!done_[chunk]) {
      if (next_claim_ < chunk_count_ && next_claim_ < consumed_ + kChunksAhead) {
        const size_t claim = next_claim_++;
        const Publication schema = published_;
        lock.unlock();
        Chunk out = parse_chunk(claim, schema);
        lock.lock();
        parsed_[claim] = std::move(out);
        done_[claim] = 1;
        continue;
      }
      ready_.wait(lock, [&] { return done_[chunk] != 0; });
    }
    current_ = std::move(parsed_[chunk]);
    parsed_[chunk] = Chunk();
    consumed_ = chunk + 1;
    current_chunk_ = chunk;
    lock.unlock();
    room_.notify_one();
  }
  return std::move(current_[(index - 1) % kChunk]);
}

}  // namespace strata::engine::validate
