/*
 * json_case.cpp — the fast reader of one batch-evaluation line
 * (`iamgate eval`), over simdjson's On-Demand API.
 *
 * Why a second reader: a batch line is mostly policy documents that the
 * caller has already parsed and compiled for an earlier line. On-Demand
 * reads the request members and takes the policy arrays as raw byte spans
 * without building a tape or tokens for them (measured: about half of the
 * per-line cost of the DOM path). It gives up (returns false) on anything
 * but the plain shape; the caller then takes the DOM path, which is the
 * definition of the format and reports errors with positions. Spans it
 * returns are not validated: the caller only uses one when it is
 * byte-equal to a span that the DOM path has validated before.
 */
#include "json.h"

#include <simdjson.h>

#include <cstring>
#include <new>
#include <string_view>

using namespace simdjson;

struct json_case_reader {
    ondemand::parser parser;
    char *padded = nullptr;
    size_t capacity = 0;
};

extern "C" json_case_reader *json_case_reader_create(void)
{
    return new (std::nothrow) json_case_reader();
}

extern "C" void json_case_reader_destroy(json_case_reader *reader)
{
    if (reader == nullptr)
        return;
    delete[] reader->padded;
    delete reader;
}

namespace {

bool reserve(json_case_reader *r, size_t len)
{
    if (len <= r->capacity && r->padded != nullptr)
        return true;
    size_t cap = len < 4096 ? 4096 : len * 2;
    char *p = new (std::nothrow) char[cap + SIMDJSON_PADDING];
    if (p == nullptr)
        return false;
    delete[] r->padded;
    r->padded = p;
    r->capacity = cap;
    return true;
}

std::string_view trim_right(std::string_view s)
{
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

class case_builder {
  public:
    case_builder(const char *base, const char *src, json_case *out)
        : base_(base), src_(src), out_(out) {}

    bool top(ondemand::object object);

  private:
    bool scalar(ondemand::value v, json_case_value *out);
    bool string_member(ondemand::value v, iam_str *out);
    bool policies(ondemand::value v, int member);
    bool request(ondemand::value v);
    bool context(ondemand::value v);
    bool push_value(ondemand::value v);
    const char *in_source(const char *padded_ptr) const { return src_ + (padded_ptr - base_); }

    const char *base_; /* the padded copy */
    const char *src_;  /* the caller's bytes: spans point here */
    json_case *out_;
};

bool case_builder::scalar(ondemand::value v, json_case_value *out)
{
    ondemand::json_type type;
    if (v.type().get(type) != SUCCESS)
        return false;
    switch (type) {
    case ondemand::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s) != SUCCESS)
            return false;
        *out = {s.data(), static_cast<uint32_t>(s.size()), JSON_STRING};
        return true;
    }
    case ondemand::json_type::number: {
        std::string_view token;
        ondemand::number n;
        token = trim_right(v.raw_json_token());
        if (v.get_number().get(n) != SUCCESS)
            return false;
        *out = {in_source(token.data()), static_cast<uint32_t>(token.size()), JSON_NUMBER};
        return true;
    }
    case ondemand::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b) != SUCCESS)
            return false;
        *out = b ? json_case_value{"true", 4, JSON_TRUE} : json_case_value{"false", 5, JSON_FALSE};
        return true;
    }
    default:
        return false;
    }
}

bool case_builder::string_member(ondemand::value v, iam_str *out)
{
    std::string_view s;
    if (v.get_string().get(s) != SUCCESS)
        return false;
    *out = {s.data(), s.size()};
    return true;
}

bool case_builder::policies(ondemand::value v, int member)
{
    ondemand::array array;
    std::string_view raw;
    if (out_->members[member].ptr != nullptr || v.get_array().get(array) != SUCCESS ||
        array.raw_json().get(raw) != SUCCESS)
        return false;
    raw = trim_right(raw);
    out_->members[member] = {in_source(raw.data()), raw.size()};
    return true;
}

bool case_builder::push_value(ondemand::value v)
{
    if (out_->value_count == out_->value_cap)
        return false;
    return scalar(v, &out_->values[out_->value_count++]);
}

bool case_builder::context(ondemand::value v)
{
    ondemand::object object;
    if (v.get_object().get(object) != SUCCESS)
        return false;
    for (auto field : object) {
        std::string_view key;
        ondemand::value value;
        ondemand::json_type type;
        if (out_->entry_count == out_->entry_cap || field.unescaped_key().get(key) != SUCCESS ||
            field.value().get(value) != SUCCESS || value.type().get(type) != SUCCESS)
            return false;
        json_case_entry &e = out_->entries[out_->entry_count++];
        e = {{key.data(), key.size()}, out_->value_count, 0, type == ondemand::json_type::array};
        if (!e.multi) {
            if (!push_value(value))
                return false;
            e.value_count = 1;
            continue;
        }
        ondemand::array array;
        if (value.get_array().get(array) != SUCCESS)
            return false;
        for (auto element : array) {
            ondemand::value item;
            if (element.get(item) != SUCCESS || !push_value(item))
                return false;
            e.value_count++;
        }
    }
    return true;
}

bool case_builder::request(ondemand::value v)
{
    ondemand::object object;
    if (out_->has_request || v.get_object().get(object) != SUCCESS)
        return false;
    out_->has_request = true;
    unsigned seen = 0;
    for (auto field : object) {
        std::string_view key;
        ondemand::value value;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(value) != SUCCESS)
            return false;
        unsigned bit = key == "action" ? 1 : key == "resource" ? 2 : key == "principal" ? 4
                     : key == "context" ? 8 : 0;
        if (bit == 0 || (seen & bit) != 0)
            return false;
        seen |= bit;
        bool ok = bit == 1   ? string_member(value, &out_->action)
                  : bit == 2 ? string_member(value, &out_->resource)
                  : bit == 4 ? string_member(value, &out_->principal)
                             : context(value);
        if (!ok)
            return false;
    }
    out_->has_action = (seen & 1) != 0;
    out_->has_resource = (seen & 2) != 0;
    out_->has_principal = (seen & 4) != 0;
    return true;
}

bool case_builder::top(ondemand::object object)
{
    static const char *const members[JSON_CASE_MEMBERS] = {"policies", "boundaries",
                                                           "sessionPolicies", "scps"};
    for (auto field : object) {
        std::string_view key;
        ondemand::value value;
        if (field.unescaped_key().get(key) != SUCCESS || field.value().get(value) != SUCCESS)
            return false;
        bool ok = false;
        if (key == "id") {
            ok = !out_->has_id && scalar(value, &out_->id) && out_->id.kind != JSON_TRUE &&
                 out_->id.kind != JSON_FALSE;
            out_->has_id = true;
        } else if (key == "request") {
            ok = request(value);
        } else {
            for (int m = 0; m < JSON_CASE_MEMBERS; m++)
                if (key == members[m])
                    ok = policies(value, m);
        }
        if (!ok)
            return false;
    }
    return true;
}

/* Nothing after the top-level value (3.0.1 has no document::at_end). */
bool at_end(ondemand::document &doc)
{
    return doc.current_location().error() == OUT_OF_BOUNDS;
}

} // namespace

extern "C" bool json_case_read(json_case_reader *reader, const char *src, size_t len,
                               json_case *out)
{
    out->has_id = out->has_request = false;
    out->has_action = out->has_resource = out->has_principal = false;
    out->entry_count = out->value_count = 0;
    for (int m = 0; m < JSON_CASE_MEMBERS; m++)
        out->members[m] = {nullptr, 0};
    if (!reserve(reader, len))
        return false;
    std::memcpy(reader->padded, src, len);
    std::memset(reader->padded + len, 0, SIMDJSON_PADDING);
    ondemand::document doc;
    ondemand::object object;
    if (reader->parser.iterate(reader->padded, len, len + SIMDJSON_PADDING).get(doc) != SUCCESS ||
        doc.get_object().get(object) != SUCCESS)
        return false;
    case_builder builder(reader->padded, src, out);
    return builder.top(object) && out->members[0].ptr != nullptr && out->has_request &&
           out->has_action && at_end(doc);
}
