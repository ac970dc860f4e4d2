#include "dsn.h"

#include "text.h"

namespace faultline {
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

DsnResult fail(std::string why) {
  DsnResult r;
  r.error = "invalid DSN: " + why;
  return r;
}

}  // namespace

std::string Dsn::origin() const {
  std::string out = scheme + "://" + host;
  if (port != 0) out += ":" + std::to_string(port);
  return out;
}

std::string Dsn::envelope_url() const {
  return origin() + path + "/api/" + project_id + "/envelope/";
}

std::string Dsn::to_string() const {
  std::string out = scheme + "://" + public_key + "@" + host;
  if (port != 0) out += ":" + std::to_string(port);
  return out + path + "/" + project_id;
}

// One pass over the DSN in the order of its parts (scheme, key, host, port, path, project), each
// refusal with its own message: the JS DSN check (js/dsn.js scanDsn) follows it step by step and
// the parity test compares their messages, so it stays one function (90 lines).
DsnResult parse_dsn(std::string_view text) {
  text = faultline::text::trim(text);
  if (text.empty()) return fail("empty");
  if (text.size() > 2048) return fail("longer than 2048 characters");

  Dsn d;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return fail("missing scheme (expected https://key@host/project)");
  std::string_view scheme = text.substr(0, sep);
  if (scheme == "https") d.scheme = "https";
  else if (scheme == "http") d.scheme = "http";
  else return fail("unsupported scheme '" + std::string(scheme) + "' (use http or https)");
  std::string_view rest = text.substr(sep + 3);

  size_t at = rest.find('@');
  size_t first_slash = rest.find('/');
  if (at == std::string_view::npos || (first_slash != std::string_view::npos && at > first_slash))
    return fail("missing public key (expected https://key@host/project)");
  std::string_view userinfo = rest.substr(0, at);
  size_t colon = userinfo.find(':');
  std::string_view key = userinfo.substr(0, colon);  // a legacy ":secret" part is accepted and dropped
  if (key.empty()) return fail("empty public key");
  for (char c : key)
    if (!is_key_char(c)) return fail("public key has an invalid character");
  d.public_key = std::string(key);
  rest = rest.substr(at + 1);

  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return fail("missing project id (expected https://key@host/project)");
  std::string_view hostport = rest.substr(0, slash);
  std::string_view pathpart = rest.substr(slash);  // starts with '/'

  std::string_view host = hostport, port;
  if (!hostport.empty() && hostport.front() == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 host");
    host = hostport.substr(0, close + 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after IPv6 host");
      port = after.substr(1);
      if (port.empty()) return fail("empty port");
    }
    for (char c : host.substr(1, host.size() - 2))
      if (!(is_host_char(c) || c == ':')) return fail("host has an invalid character");
  } else {
    size_t pc = hostport.rfind(':');
    if (pc != std::string_view::npos) {
      host = hostport.substr(0, pc);
      port = hostport.substr(pc + 1);
      if (port.empty()) return fail("empty port");
    }
    for (char c : host)
      if (!is_host_char(c)) return fail("host has an invalid character");
  }
  if (host.empty() || host == "[]") return fail("empty host");
  d.host = std::string(host);

  if (!port.empty()) {
    long v = 0;
    if (port.size() > 5) return fail("port out of range");
    for (char c : port) {
      if (c < '0' || c > '9') return fail("port is not a number");
      v = v * 10 + (c - '0');
    }
    if (v < 1 || v > 65535) return fail("port out of range");
    bool default_port = (d.scheme == "https" && v == 443) || (d.scheme == "http" && v == 80);
    d.port = default_port ? 0 : static_cast<int>(v);
  }

  // Drop query/fragment, then split "/prefix/.../project".
  size_t q = pathpart.find_first_of("?#");
  if (q != std::string_view::npos) pathpart = pathpart.substr(0, q);
  while (pathpart.size() > 1 && pathpart.back() == '/') pathpart.remove_suffix(1);
  size_t last = pathpart.rfind('/');
  std::string_view project = pathpart.substr(last + 1);
  std::string_view prefix = pathpart.substr(0, last);
  if (project.empty()) return fail("missing project id (expected https://key@host/project)");
  for (char c : project)
    if (!is_key_char(c)) return fail("project id has an invalid character");
  for (char c : prefix)
    if (!(is_key_char(c) || c == '/')) return fail("path has an invalid character");
  d.project_id = std::string(project);
  d.path = std::string(prefix);

  DsnResult r;
  r.ok = true;
  r.dsn = std::move(d);
  return r;
}

}  // namespace faultline
