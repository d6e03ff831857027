#pragma once
// PEGTL actions for the schema statements (grammar/schema.peg, SPEC §3.2): field definitions,
// the bundle changes of UPDATE BUNDLE in both spellings, relationships and indexes. Each
// change action pops the strings its rule pushed and appends one or two ast::BundleChange;
// the statement actions assemble the statement and emit() it. Thread-safety: per ParseState.

#include <cctype>
#include <string>
#include <utility>

#include "parser/actions_values.hpp"

namespace strata::parser {

template <typename Input>
bool starts_with_letter(const Input& in, char upper) {
  return in.size() > 0 && std::toupper(static_cast<unsigned char>(in.begin()[0])) == upper;
}

template <>
struct action<g::field_type> {
  static void apply0(ParseState& st) {
    if (st.strings_.empty()) return;
    for (char& c : st.strings_.back())
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
};
template <>
struct action<g::field_required> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.field_.required = starts_with_letter(in, 'T');
  }
};
template <>
struct action<g::field_unique> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.field_.unique = starts_with_letter(in, 'T');
  }
};
template <>
struct action<g::field_default> {
  static void apply0(ParseState& st) { st.field_.default_value = st.pop_value(); }
};
template <>
struct action<g::field_def> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.field_.type = st.pop_string();
    st.field_.name = st.pop_string();
    st.field_.pos = st.pos_of(in);
    st.fields_.push_back(std::move(st.field_));
    st.field_ = ast::FieldDef();
  }
};
template <>
struct action<g::create_bundle> {
  static void apply0(ParseState& st) {
    ast::CreateBundle s;
    s.bundle = st.pop_string();
    s.fields = std::move(st.fields_);
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};

// ---- UPDATE BUNDLE changes

template <>
struct action<g::set_bundle_name> {
  static void apply0(ParseState& st) { st.changes_.push_back(ast::SetBundleName{st.pop_string()}); }
};
template <>
struct action<g::syndr_change_kind> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.syndr_kind_ = static_cast<char>(std::toupper(static_cast<unsigned char>(in.begin()[0])));
  }
};
template <>
struct action<g::syndr_change> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::string type = st.pop_string();
    std::string to = st.pop_string();
    std::string from = st.pop_string();
    ast::FieldDef f = std::move(st.field_);
    st.field_ = ast::FieldDef();
    f.type = std::move(type);
    f.pos = st.pos_of(in);
    if (st.syndr_kind_ == 'R') {
      st.changes_.push_back(ast::RemoveField{std::move(from)});
    } else if (st.syndr_kind_ == 'M') {
      if (!to.empty() && to != from) {
        st.changes_.push_back(ast::RenameField{std::move(from), to});
        f.name = std::move(to);
      } else {
        f.name = std::move(from);
      }
      st.changes_.push_back(ast::ModifyField{std::move(f)});
    } else {
      f.name = to.empty() ? std::move(from) : std::move(to);
      st.changes_.push_back(ast::AddField{std::move(f)});
    }
  }
};
template <>
struct action<g::field_place> {
  static void apply0(ParseState& st) { st.field_position_ = static_cast<uint32_t>(st.number_); }
};
template <>
struct action<g::add_field> {
  static void apply0(ParseState& st) {
    st.changes_.push_back(ast::AddField{std::move(st.fields_.back()), st.field_position_});
    st.fields_.pop_back();
    st.field_position_.reset();
  }
};
template <>
struct action<g::modify_field> {
  static void apply0(ParseState& st) {
    st.changes_.push_back(ast::ModifyField{std::move(st.fields_.back())});
    st.fields_.pop_back();
  }
};
template <>
struct action<g::remove_field> {
  static void apply0(ParseState& st) { st.changes_.push_back(ast::RemoveField{st.pop_string()}); }
};
template <>
struct action<g::rename_field> {
  static void apply0(ParseState& st) {
    std::string to = st.pop_string();
    std::string from = st.pop_string();
    st.changes_.push_back(ast::RenameField{std::move(from), std::move(to)});
  }
};
template <>
struct action<g::remove_relationship> {
  static void apply0(ParseState& st) {
    st.changes_.push_back(ast::RemoveRelationship{st.pop_string()});
  }
};

template <>
struct action<g::rel_from_bundle> {
  static void apply0(ParseState& st) { st.relationship_.from_bundle = st.pop_string(); }
};
template <>
struct action<g::rel_to_bundle> {
  static void apply0(ParseState& st) { st.relationship_.to_bundle = st.pop_string(); }
};
template <>
struct action<g::rel_from_field> {
  static void apply0(ParseState& st) { st.relationship_.from_field = st.pop_string(); }
};
template <>
struct action<g::rel_to_field> {
  static void apply0(ParseState& st) { st.relationship_.to_field = st.pop_string(); }
};
template <>
struct action<g::rel_cardinality> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::string c = st.pop_string();
    std::string lower;
    for (char ch : c)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    if (lower == "1to1") {
      c = "1to1";
    } else if (lower == "1tomany") {
      c = "1toMany";
    } else if (lower == "manytomany") {
      c = "ManyToMany";
    } else if (!lower.empty()) {
      throw ActionError{ParseState::text_pos(in),
                        "a cardinality (\"1to1\", \"1toMany\" or \"ManyToMany\")",
                        "unknown cardinality; expected \"1to1\", \"1toMany\" or \"ManyToMany\""};
    }
    st.relationship_.cardinality = std::move(c);
  }
};
inline void add_relationship_change(ParseState& st) {
  st.relationship_.name = st.pop_string();
  st.changes_.push_back(ast::AddRelationship{std::move(st.relationship_)});
  st.relationship_ = ast::RelationshipDef();
}
template <>
struct action<g::relationship_seed> {
  static void apply0(ParseState& st) { add_relationship_change(st); }
};
template <>
struct action<g::relationship_entry> {
  static void apply0(ParseState& st) { add_relationship_change(st); }
};

template <>
struct action<g::update_bundle> {
  static void apply0(ParseState& st) {
    ast::UpdateBundle s;
    s.bundle = st.pop_string();
    s.changes = std::move(st.changes_);
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};

template <>
struct action<g::drop_force> {
  static void apply0(ParseState& st) { st.force_ = true; }
};
template <>
struct action<g::drop_bundle> {
  static void apply0(ParseState& st) {
    ast::DropBundle s;
    s.bundle = st.pop_string();
    s.force = st.force_;
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};

// ---- indexes

template <>
struct action<g::index_unique> {
  static void apply0(ParseState& st) { st.index_unique_ = true; }
};
template <>
struct action<g::index_kind> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.index_kind_ = starts_with_letter(in, 'H') ? ast::IndexKind::kHash : ast::IndexKind::kBtree;
  }
};
template <>
struct action<g::syndr_index_kind> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.index_kind_ = starts_with_letter(in, 'H') ? ast::IndexKind::kHash : ast::IndexKind::kBtree;
  }
};
template <>
struct action<g::index_name> {
  static void apply0(ParseState& st) { st.index_name_ = st.pop_string(); }
};
template <>
struct action<g::index_field> {
  static void apply0(ParseState& st) { st.index_fields_.push_back(st.pop_string()); }
};
template <>
struct action<g::index_flag> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.entry_unique_ = starts_with_letter(in, 'T');
  }
};
template <>
struct action<g::index_entry> {
  static void apply0(ParseState& st) {
    if (st.entry_unique_) st.index_unique_ = true;
    st.entry_unique_ = false;
  }
};
template <>
struct action<g::create_index> {
  static void apply0(ParseState& st) {
    ast::CreateIndex s;
    s.bundle = st.pop_string();
    s.kind = st.index_kind_;
    s.fields = std::move(st.index_fields_);
    s.unique = st.index_unique_;
    if (st.index_name_) {
      s.name = std::move(*st.index_name_);
    } else {
      s.name = s.bundle;
      for (const std::string& f : s.fields) s.name += "_" + f;
      s.name += s.kind == ast::IndexKind::kHash ? "_hash" : "_btree";
    }
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};
template <>
struct action<g::drop_index> {
  static void apply0(ParseState& st) {
    ast::DropIndex s;
    s.name = st.index_name_.value_or(std::string());
    s.pos = st.statement_pos();
    st.emit(std::move(s));
  }
};

}  // namespace strata::parser
