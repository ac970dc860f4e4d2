#include <gtest/gtest.h>

#include <fstream>

#include "scrubber.h"

using namespace faultline;

namespace {
json load_corpus() {
  std::ifstream in(FAULTLINE_SOURCE_DIR "/tests/fixtures/scrubbing/corpus.json");
  return json::parse(in);
}
}  // namespace

TEST(Scrubber, CorpusPositivesAreScrubbed) {
  json c = load_corpus();
  Scrubber s;
  ASSERT_GE(c["positives"].size(), 10u);
  for (const auto& p : c["positives"]) EXPECT_EQ(s.scrub_text(p[0].get<std::string>()), p[1].get<std::string>());
}

TEST(Scrubber, CorpusNegativesAreLeftAlone) {
  json c = load_corpus();
  Scrubber s;
  ASSERT_GE(c["negatives"].size(), 10u);
  for (const auto& n : c["negatives"]) EXPECT_EQ(s.scrub_text(n.get<std::string>()), n.get<std::string>());
}

TEST(Scrubber, SendDefaultPiiKeepsEmailsAndIpsButNeverSecrets) {
  json c = load_corpus();
  ScrubOptions o;
  o.send_default_pii = true;
  Scrubber s(o);
  for (const auto& p : c["pii_allowed"]) EXPECT_EQ(s.scrub_text(p[0].get<std::string>()), p[1].get<std::string>());
}

TEST(Scrubber, LuhnInvalidNumberIsNotACard) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("41x1"));
}

TEST(Scrubber, SensitiveKeysAreFilteredInNestedData) {
  Scrubber s;
  json v = json::parse(R"({"password":"p","user":{"authToken":"t","author":"Jane","sessionId":42},
                           "list":[{"api_key":"k","name":"x"}],"cookie":"a=b","note":"mail me at a@b.io","empty_secret":""})");
  s.scrub_value(v);
  EXPECT_EQ(v["password"], "[Filtered]");
  EXPECT_EQ(v["user"]["authToken"], "[Filtered]");
  EXPECT_EQ(v["user"]["author"], "Jane");
  EXPECT_EQ(v["user"]["sessionId"], "[Filtered]");
  EXPECT_EQ(v["list"][0]["api_key"], "[Filtered]");
  EXPECT_EQ(v["list"][0]["name"], "x");
  EXPECT_EQ(v["cookie"], "[Filtered]");
  EXPECT_EQ(v["note"], "mail me at [email]");
  EXPECT_EQ(v["empty_secret"], "");
}

TEST(Scrubber, UrlCredentialsAndQuerySecretsAreFiltered) {
  Scrubber s;
  EXPECT_EQ(s.scrub_url("https://bob:hunter2@api.example/v1?token=abc&q=shoes#frag"),
            "https://[Filtered]@api.example/v1?token=[Filtered]&q=shoes#frag");
}

TEST(Scrubber, EventFieldsAreAllScrubbed) {
  Scrubber s;
  json ev = json::parse(R"({
    "exception":{"values":[{"type":"Error","value":"bad login for jo@ex.com",
      "stacktrace":{"frames":[{"filename":"https://a.example/app.js?sig=abc123","function":"f"}]}}]},
    "logentry":{"formatted":"card 4111111111111111"},
    "breadcrumbs":{"values":[{"message":"POST /login password=x","data":{"url":"https://a/x?token=1","to":"/reset?code=1&email=a@b.co"}}]},
    "request":{"url":"https://a.example/p?session=1","headers":{"Cookie":"sid=1","Authorization":"Bearer abcdefghij","User-Agent":"UA"},"cookies":{"sid":"1"},"data":{"pwd":"x"}},
    "extra":{"secret":"s","ok":"fine"},
    "contexts":{"app":{"api_key":"k"}},
    "tags":{"auth":"x","plan":"pro"},
    "user":{"id":"7","email":"jo@ex.com","ip_address":"1.2.3.4","username":"jo@ex.com"}
  })");
  s.scrub_event(ev);
  std::string dumped = ev.dump();
  for (const char* leak : {"jo@ex.com", "4111111111111111", "password=x", "token=1", "sid=1", "abcdefghij", "\"k\"", "\"s\"", "1.2.3.4", "sig=abc123", "a@b.co"})
    EXPECT_EQ(dumped.find(leak), std::string::npos) << leak << " leaked: " << dumped;
  EXPECT_EQ(ev["request"]["headers"]["User-Agent"], "UA");
  EXPECT_FALSE(ev["request"].contains("cookies"));
  EXPECT_EQ(ev["user"]["id"], "7");
  EXPECT_EQ(ev["tags"]["plan"], "pro");
  EXPECT_EQ(ev["extra"]["ok"], "fine");
}

TEST(Scrubber, UserKeysAndPatternsExtendTheDefaults) {
  ScrubOptions o;
  o.extra_keys = {"tenant"};
  o.extra_patterns = {"ACCT-####", "sk_*"};
  o.safe_keys = {"session"};
  Scrubber s(o);
  json v = json::parse(R"({"tenantName":"acme","session":"keep-me","note":"acct ACCT-1234 with key sk_live_abc ok"})");
  s.scrub_value(v);
  EXPECT_EQ(v["tenantName"], "[Filtered]");
  EXPECT_EQ(v["session"], "keep-me");
  EXPECT_EQ(v["note"], "acct [Filtered] with key [Filtered] ok");
  size_t end = 0;
  EXPECT_TRUE(pattern_match_at("a?c", "xabcx", 1, end));
  EXPECT_EQ(end, 4u);
  EXPECT_FALSE(pattern_match_at("ACCT-####", "ACCT-12a4", 0, end));
}

TEST(Scrubber, TenMegabyteTextIsFullyScrubbed) {
  std::string big;
  for (int i = 0; i < 200000; ++i) big += "user" + std::to_string(i) + "@example.com 4111 1111 1111 1111 v1.2.3.4 ";
  Scrubber s;
  std::string out = s.scrub_text(big);
  EXPECT_EQ(out.find("@example.com"), std::string::npos);
  EXPECT_EQ(out.find("4111"), std::string::npos);
}

TEST(Scrubber, CorpusKeysSensitiveAndSafe) {
  json c = load_corpus();
  Scrubber s;
  ASSERT_GE(c["keys"]["sensitive"].size(), 30u);
  for (const auto& k : c["keys"]["sensitive"]) {
    json v = json::object();
    v[k.get<std::string>()] = "value-1";
    s.scrub_value(v);
    EXPECT_EQ(v[k.get<std::string>()], "[Filtered]") << k;
  }
  for (const auto& k : c["keys"]["safe"]) {
    json v = json::object();
    v[k.get<std::string>()] = "value-1";
    s.scrub_value(v);
    EXPECT_EQ(v[k.get<std::string>()], "value-1") << k;
  }
}

TEST(Scrubber, WeakKeysInProseNeedASecretLookingValue) {
  Scrubber s;
  EXPECT_EQ(s.key_strength("token"), KeyStrength::weak);
  EXPECT_EQ(s.key_strength("password"), KeyStrength::strong);
  EXPECT_EQ(s.key_strength("keyboard"), KeyStrength::none);
  EXPECT_EQ(s.scrub_text("unexpected token: identifier"), "unexpected token: identifier");
  EXPECT_EQ(s.scrub_text("token: Zx81kQ"), "token: [Filtered]");
  EXPECT_EQ(s.scrub_text("\"token\": \"identifier\""), "\"token\": \"[Filtered]\"");  // JSON keys always count
  EXPECT_EQ(s.scrub_text("token=identifier"), "token=[Filtered]");
}

TEST(Scrubber, CodeIsSensitiveOnlyAsAQueryKey) {
  Scrubber s;
  EXPECT_EQ(s.scrub_text("/cb?code=abc&state=1"), "/cb?code=[Filtered]&state=1");
  EXPECT_EQ(s.scrub_text("/cb?state=1&code=abc"), "/cb?state=1&code=[Filtered]");
  EXPECT_EQ(s.scrub_text("code=abc&state=1"), "code=[Filtered]&state=1");
  EXPECT_EQ(s.scrub_text("exit code=137 after"), "exit code=137 after");
  json v = json::parse(R"({"code":"E_TIMEOUT"})");
  s.scrub_value(v);
  EXPECT_EQ(v["code"], "E_TIMEOUT");
}

TEST(Scrubber, EncodedEmailInUrlsBreadcrumbsAndGroupingContextIsFound) {
  Scrubber s;
  EXPECT_EQ(s.scrub_url("https://shop.example/account?email=jane.doe%40example.com&tab=2"),
            "https://shop.example/account?email=[email]&tab=2");
  json ev = json::parse(R"({
    "request":{"url":"https://a.example/u?email=jo%40ex.com"},
    "breadcrumbs":{"values":[{"category":"navigation","data":{"from":"/a?e=jo%40ex.com","to":"/b?pass=x"}}]},
    "contexts":{"faultline":{"grouping":{"file":"a.example/users/jo%40ex.com/app.js"}}},
    "exception":{"values":[{"type":"Error","value":"x","stacktrace":{"frames":[{"filename":"https://a.example/u/jo%40ex.com/app.js"}]}}]}
  })");
  s.scrub_event(ev);
  std::string d = ev.dump();
  EXPECT_EQ(d.find("jo%40ex.com"), std::string::npos) << d;
  EXPECT_EQ(d.find("pass=x"), std::string::npos) << d;
}

TEST(Scrubber, EditsNeverOverlapAndAllBytesAreSafe) {
  Scrubber s;
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  std::string nasty = "\"password\":\"" + bytes + "%41%4" + "\\\\\\\"token\\\\\\\":" + bytes;
  std::string out = s.scrub_text(nasty);
  EXPECT_LE(out.size(), nasty.size() * 8 + 64);
  // Deep escaping and long runs of separators stay linear and bounded.
  std::string many(200000, '=');
  EXPECT_EQ(s.scrub_text(many), many);
  std::string quotes, codes;
  for (int i = 0; i < 20000; ++i) quotes += "\\\"password\\\":\\\"x";
  EXPECT_EQ(s.scrub_text(quotes).find("x"), std::string::npos);
  for (int i = 0; i < 50000; ++i) codes += "code=";
  EXPECT_EQ(s.scrub_text(codes), codes);
}

#include "client.h"

TEST(Scrubber, GroupingPartsInTheEventNeverCarryASecretsFragments) {
  // Parameterizing "Bearer brr6a1f0c9e77q" gives "Bearer brr<num>a<num>f…": the scrubber cannot see
  // that as a token, so the parts sent in contexts.faultline.grouping come from scrubbed text.
  Client c(R"({"aggregation":{"windowMs":0}})");
  c.capture(R"({"message":"call failed: Bearer brr6a1f0c9e77q for jane.doe%40example.com","timestamp":1.7e9})");
  c.capture(R"J({"exceptions":[{"type":"Error","value":"refresh failed {\"access_token\":\"at91d0e2xq\"}",
               "stack":"Error: x\n    at f (https://a.example/app.js:1:1)"}],"timestamp":1.7e9})J");
  std::string body = json::parse(c.drain(1.7e12, true, 10))["envelopes"][0]["body"].get<std::string>();
  EXPECT_NE(body.find("\"grouping\""), std::string::npos);
  for (const char* leak : {"brr", "jane.doe", "at<num>d", "at91d0e2xq"}) EXPECT_EQ(body.find(leak), std::string::npos) << leak << " in " << body;
}

TEST(Scrubber, KeylessSecretRulesStayLinearOnAdversarialText) {
  // Bare AWS secret keys and headerless PEM bodies are found by scanning base64 runs; runs that
  // almost qualify (39/41 characters, key-like DER headers, 64-character lines joined by every kind
  // of break) must not be rescanned from each position. A quadratic scan of these megabytes would
  // not finish within the test's timeout.
  Scrubber s;
  const std::string key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  std::string almost, lines, keys;
  for (int i = 0; i < 50000; ++i) almost += key.substr(1) + " " + key + "A\\n";
  EXPECT_EQ(s.scrub_text(almost), almost);
  // One body of 60 000 lines of 64 characters (3.9 MB): removed whole, in one pass.
  const std::string first = "MIIEpAIBAAKCAQEAqs570BFQsdrH5iM3NdKq4ijFIYt4fimDwyvrWsjEOfYhik2U";
  const std::string line = "mguYz1MSY2jDLjmPVhzxOmit6davVdI7LAm9EnQmuDrpQyUOqwIo+8YRx4QTBRnb";
  lines = first;
  const char* breaks[] = {"\n", "\r\n", "\\n", "\\r\\n", " "};
  for (int i = 0; i < 60000; ++i) lines += std::string(breaks[i % 5]) + line;
  lines += "\nafter";
  EXPECT_EQ(s.scrub_text(lines), "[Filtered]\nafter");
  // Many key headers that are not keys (the DER check fails at the version byte).
  for (int i = 0; i < 100000; ++i) keys += "MIIEpAIBAgKCAQEA\\n";  // version 2: no key format
  EXPECT_EQ(s.scrub_text(keys), keys);
}
