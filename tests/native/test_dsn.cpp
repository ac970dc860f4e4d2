#include <gtest/gtest.h>

#include <fstream>

#include "dsn.h"
#include "json.h"

using faultline::parse_dsn;

TEST(Dsn, ParsesSentryIoDsnIntoEnvelopeUrl) {
  auto r = parse_dsn("https://abc123@o42.ingest.sentry.io/4501");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.dsn.public_key, "abc123");
  EXPECT_EQ(r.dsn.host, "o42.ingest.sentry.io");
  EXPECT_EQ(r.dsn.project_id, "4501");
  EXPECT_EQ(r.dsn.envelope_url(), "https://o42.ingest.sentry.io/api/4501/envelope/");
}

TEST(Dsn, KeepsPortAndPathPrefixForSelfHosted) {
  auto r = parse_dsn("http://key@127.0.0.1:8765/sentry/relay/7");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.dsn.port, 8765);
  EXPECT_EQ(r.dsn.path, "/sentry/relay");
  EXPECT_EQ(r.dsn.envelope_url(), "http://127.0.0.1:8765/sentry/relay/api/7/envelope/");
  EXPECT_EQ(r.dsn.to_string(), "http://key@127.0.0.1:8765/sentry/relay/7");
}

TEST(Dsn, DropsLegacySecretAndDefaultPort) {
  auto r = parse_dsn("https://pub:secret@example.com:443/1");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.dsn.public_key, "pub");
  EXPECT_EQ(r.dsn.port, 0);
  EXPECT_EQ(r.dsn.to_string(), "https://pub@example.com/1");
}

TEST(Dsn, AcceptsIpv6HostAndTrailingSlash) {
  auto r = parse_dsn("http://k@[::1]:9000/3/");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.dsn.host, "[::1]");
  EXPECT_EQ(r.dsn.envelope_url(), "http://[::1]:9000/api/3/envelope/");
}

TEST(Dsn, MalformedDsnsGiveClearErrorsNotCrashes) {
  struct Case { const char* dsn; const char* needle; } cases[] = {
      {"", "empty"},
      {"not a dsn", "missing scheme"},
      {"ftp://k@h/1", "unsupported scheme"},
      {"https://host/1", "missing public key"},
      {"https://@host/1", "empty public key"},
      {"https://k@host", "missing project id"},
      {"https://k@host/", "missing project id"},
      {"https://k@/1", "empty host"},
      {"https://k@host:99999/1", "port out of range"},
      {"https://k@host:abc/1", "port is not a number"},
      {"https://k@host:/1", "empty port"},
      {"https://k@[::1/1", "unterminated IPv6"},
      {"https://k y@host/1", "invalid character"},
      {"https://k@ho st/1", "invalid character"},
  };
  for (const auto& c : cases) {
    auto r = parse_dsn(c.dsn);
    EXPECT_FALSE(r.ok) << c.dsn;
    EXPECT_NE(r.error.find(c.needle), std::string::npos) << c.dsn << " -> " << r.error;
    EXPECT_EQ(r.error.rfind("invalid DSN: ", 0), 0u) << r.error;
  }
}

TEST(Dsn, RejectsAbsurdlyLongInput) {
  std::string s = "https://k@" + std::string(5000, 'a') + "/1";
  auto r = parse_dsn(s);
  EXPECT_FALSE(r.ok);
}

// The DSN table shared with the JS parser (js/dsn.js, tests/node/dsn.test.js): one set of rules.
TEST(Dsn, SharedFixtureTableAgreesWithTheJsParser) {
  std::ifstream in(FAULTLINE_FIXTURES_DIR "/dsn.json");
  ASSERT_TRUE(in.good()) << "tests/fixtures/dsn.json is missing";
  const faultline::json table = faultline::json::parse(in, nullptr, false);
  ASSERT_FALSE(table.is_discarded());
  ASSERT_GE(table["valid"].size(), 5u);
  for (const auto& row : table["valid"]) {
    const std::string text = row["dsn"].get<std::string>();
    auto r = parse_dsn(text);
    ASSERT_TRUE(r.ok) << text << " -> " << r.error;
    EXPECT_EQ(r.dsn.public_key, row["public_key"].get<std::string>()) << text;
    EXPECT_EQ(r.dsn.host, row["host"].get<std::string>()) << text;
    EXPECT_EQ(r.dsn.port, row["port"].get<int>()) << text;
    EXPECT_EQ(r.dsn.path, row["path"].get<std::string>()) << text;
    EXPECT_EQ(r.dsn.project_id, row["project_id"].get<std::string>()) << text;
    EXPECT_EQ(r.dsn.envelope_url(), row["envelope_url"].get<std::string>()) << text;
    EXPECT_EQ(r.dsn.to_string(), row["canonical"].get<std::string>()) << text;
  }
  ASSERT_GE(table["invalid"].size(), 10u);
  for (const auto& row : table["invalid"]) {
    const std::string text = row["dsn"].get<std::string>();
    auto r = parse_dsn(text);
    EXPECT_FALSE(r.ok) << text;
    EXPECT_EQ(r.error.rfind("invalid DSN: ", 0), 0u) << r.error;
    EXPECT_NE(r.error.find(row["error"].get<std::string>()), std::string::npos) << text << " -> " << r.error;
  }
}
