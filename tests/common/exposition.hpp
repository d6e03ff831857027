#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, for the tests of
// common/metrics and of GET /metrics: it checks every line's syntax (names, label sets,
// escapes, values), that each family's # TYPE comes once and before its samples, that a
// family's samples are not interleaved with another's, and that every histogram's buckets are
// cumulative, end in le="+Inf", and agree with _count. Errors name the line.
// Thread-safety: plain values.

#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace strata::testing {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter / gauge / histogram
  std::map<std::string, std::string> helps;
  std::vector<Sample> samples;
  std::vector<std::string> errors;

  bool ok() const { return errors.empty(); }
  // The value of the sample `name` whose labels include `labels`; nullopt when none matches.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) match = false;
      }
      if (match) return s.value;
    }
    return std::nullopt;
  }
};

inline std::optional<double> parse_prometheus_value(const std::string& text) {
  if (text == "+Inf" || text == "Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  static const std::regex number(R"([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?)");
  if (!std::regex_match(text, number)) return std::nullopt;
  return std::stod(text);
}

// The family a sample name belongs to, given the declared types.
inline std::string family_of(const std::string& sample, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      const std::string base = sample.substr(0, sample.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return sample;
}

inline Exposition parse_exposition(const std::string& text) {
  Exposition e;
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*))");
  static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))");
  static const std::regex label(R"(^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)\"(,|$))");
  if (!text.empty() && text.back() != '\n') e.errors.push_back("the text does not end in a newline");
  std::istringstream in(text);
  std::string line;
  int n = 0;
  std::string current;          // family of the samples being read
  std::set<std::string> closed;  // families whose samples are over
  while (std::getline(in, line)) {
    ++n;
    const std::string where = "line " + std::to_string(n) + ": ";
    std::smatch m;
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      if (!std::regex_match(line, m, help)) { e.errors.push_back(where + "bad HELP"); continue; }
      if (e.helps.count(m[1])) e.errors.push_back(where + "second HELP for " + m[1].str());
      e.helps[m[1]] = m[2];
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      if (!std::regex_match(line, m, type)) { e.errors.push_back(where + "bad TYPE"); continue; }
      if (e.types.count(m[1])) e.errors.push_back(where + "second TYPE for " + m[1].str());
      e.types[m[1]] = m[2];
      continue;
    }
    if (line[0] == '#') continue;  // a comment
    if (!std::regex_match(line, m, sample)) { e.errors.push_back(where + "bad sample: " + line); continue; }
    Sample s;
    s.name = m[1];
    std::string labels = m[3];
    while (!labels.empty()) {
      std::smatch lm;
      if (!std::regex_search(labels, lm, label)) {
        e.errors.push_back(where + "bad labels: " + labels);
        break;
      }
      std::string value;
      const std::string raw = lm[2];
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
          value.push_back(raw[i + 1] == 'n' ? '\n' : raw[i + 1]);
          ++i;
        } else {
          value.push_back(raw[i]);
        }
      }
      if (s.labels.count(lm[1])) e.errors.push_back(where + "label twice: " + lm[1].str());
      s.labels[lm[1]] = value;
      labels = lm.suffix();
    }
    auto value = parse_prometheus_value(m[4]);
    if (!value) { e.errors.push_back(where + "bad value: " + m[4].str()); continue; }
    s.value = *value;
    const std::string family = family_of(s.name, e.types);
    if (!e.types.count(family)) e.errors.push_back(where + "sample before its TYPE: " + s.name);
    if (family != current) {
      if (closed.count(family)) e.errors.push_back(where + "family interleaved: " + family);
      if (!current.empty()) closed.insert(current);
      current = family;
    }
    e.samples.push_back(std::move(s));
  }
  // Histograms: cumulative buckets ending in +Inf == _count, per label set.
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;
  std::map<std::string, double> counts;
  for (const Sample& s : e.samples) {
    const std::string family = family_of(s.name, e.types);
    if (e.types[family] != "histogram") continue;
    std::map<std::string, std::string> rest = s.labels;
    rest.erase("le");
    std::string key = family;
    for (const auto& [k, v] : rest) key += "|" + k + "=" + v;
    if (s.name == family + "_bucket") {
      auto le = s.labels.find("le");
      if (le == s.labels.end()) { e.errors.push_back(s.name + ": bucket without le"); continue; }
      auto bound = parse_prometheus_value(le->second);
      if (!bound) { e.errors.push_back(s.name + ": bad le " + le->second); continue; }
      buckets[key].emplace_back(*bound, s.value);
    } else if (s.name == family + "_count") {
      counts[key] = s.value;
    }
  }
  for (const auto& [key, list] : buckets) {
    for (size_t i = 1; i < list.size(); ++i) {
      if (list[i].first <= list[i - 1].first) e.errors.push_back(key + ": le not increasing");
      if (list[i].second < list[i - 1].second) e.errors.push_back(key + ": buckets not cumulative");
    }
    if (list.empty() || !std::isinf(list.back().first)) e.errors.push_back(key + ": no +Inf bucket");
    else if (!counts.count(key) || counts[key] != list.back().second) {
      e.errors.push_back(key + ": +Inf bucket differs from _count");
    }
  }
  return e;
}

}  // namespace strata::testing
