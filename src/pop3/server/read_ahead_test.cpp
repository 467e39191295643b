// ReadAhead: which messages one store job reads (in order or not, deleted
// ones, the byte and count budgets), and what it holds; then whole sessions
// that download many messages in order, out of order and with DELE between,
// each RETR compared with the message delivered.
#include "pop3/server/read_ahead.hpp"

#include "pop3/server/session_fixture.hpp"

namespace tern::pop3::test {
namespace {

std::vector<MaildropMessage> sized(const std::vector<uint64_t>& sizes) {
    std::vector<MaildropMessage> all;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        MaildropMessage m;
        m.uid = static_cast<uint32_t>(i + 1);
        m.size = sizes[i];
        all.push_back(m);
    }
    return all;
}

std::vector<uint32_t> range(uint32_t first, uint32_t last) {
    std::vector<uint32_t> out;
    for (uint32_t n = first; n <= last; ++n)
        out.push_back(n);
    return out;
}

TEST(ReadAhead, InOrderFromTheFirstMessageReadsABatch) {
    ReadAhead ra;
    const auto all = sized(std::vector<uint64_t>(10, 1000));
    EXPECT_EQ(ra.plan(all, 1), range(1, 10));
}

TEST(ReadAhead, OutOfOrderReadsOneThenFollowsTheClient) {
    ReadAhead ra;
    const auto all = sized(std::vector<uint64_t>(10, 1000));
    EXPECT_EQ(ra.plan(all, 5), std::vector<uint32_t>{5});
    EXPECT_EQ(ra.plan(all, 6), range(6, 10));
    EXPECT_EQ(ra.plan(all, 2), std::vector<uint32_t>{2});
    EXPECT_EQ(ra.take(3), std::nullopt);  // nothing held; 3 now counts as the last asked
    EXPECT_EQ(ra.plan(all, 4), range(4, 10));
}

TEST(ReadAhead, SkipsDeletedMessages) {
    ReadAhead ra;
    auto all = sized(std::vector<uint64_t>(5, 1000));
    all[1].deleted = true;
    all[3].deleted = true;
    EXPECT_EQ(ra.plan(all, 1), (std::vector<uint32_t>{1, 3, 5}));
}

TEST(ReadAhead, StaysWithinTheByteBudget) {
    ReadAhead ra;
    const uint64_t half = ReadAhead::kBudget / 2;
    const auto all = sized({half, half, 1, 1});
    // Two halves fill the budget exactly; the next message would pass it.
    EXPECT_EQ(ra.plan(all, 1), range(1, 2));
    // A message larger than the budget is read alone.
    ReadAhead big;
    const auto large = sized({ReadAhead::kBudget + 1, 1, 1});
    EXPECT_EQ(big.plan(large, 1), std::vector<uint32_t>{1});
    EXPECT_EQ(big.plan(large, 2), range(2, 3));
}

TEST(ReadAhead, StaysWithinTheMessageCount) {
    ReadAhead ra;
    const auto all = sized(std::vector<uint64_t>(ReadAhead::kMaxMessages + 10, 1));
    EXPECT_EQ(ra.plan(all, 1), range(1, ReadAhead::kMaxMessages));
}

TEST(ReadAhead, NumbersOutOfRangeAreReadAlone) {
    ReadAhead ra;
    EXPECT_EQ(ra.plan(sized({}), 1), std::vector<uint32_t>{1});
}

TEST(ReadAhead, TakeGivesHeldBytesOnceAndPlanDropsTheRest) {
    ReadAhead ra;
    ra.keep(2, "two");
    ra.keep(3, "three");
    EXPECT_EQ(ra.take(2), std::optional<std::string>("two"));
    EXPECT_EQ(ra.take(2), std::nullopt);
    EXPECT_EQ(ra.held(), 1u);
    (void)ra.plan(sized({1, 1, 1, 1, 1}), 5);
    EXPECT_EQ(ra.held(), 0u);
    EXPECT_EQ(ra.take(3), std::nullopt);
}

// A message whose body tells it apart, with a line that needs stuffing.
std::string numbered(int i) {
    std::string raw = "Subject: message " + std::to_string(i) + "\r\n\r\n";
    for (int line = 0; line < 3 + i % 7; ++line)
        raw += (line == 1 ? ".dot " : "text ") + std::to_string(i * 100 + line) + "\r\n";
    return raw;
}

std::string retr_reply(int i) {
    const std::string raw = numbered(i);
    std::string wire;
    for (std::size_t pos = 0; pos < raw.size();) {
        const std::size_t eol = raw.find("\r\n", pos) + 2;
        if (raw[pos] == '.') wire += '.';
        wire.append(raw, pos, eol - pos);
        pos = eol;
    }
    return "+OK " + std::to_string(raw.size()) + " octets\r\n" + wire + ".\r\n";
}

class Pop3ReadAheadTest : public Pop3SessionTest {
  protected:
    // More messages than one read-ahead batch may hold.
    static constexpr int kCount = ReadAhead::kMaxMessages + 6;
    void deliver_all() {
        for (int i = 1; i <= kCount; ++i)
            deliver(numbered(i));
    }
};

TEST_F(Pop3ReadAheadTest, InOrderDownloadGivesEveryMessage) {
    deliver_all();
    std::string commands, expected;
    for (int i = 1; i <= kCount; ++i) {
        commands += "RETR " + std::to_string(i) + "\r\n";
        expected += retr_reply(i);
    }
    EXPECT_EQ(logged_in(commands), expected);
}

TEST_F(Pop3ReadAheadTest, OutOfOrderAndRepeatedRetrGiveTheRightMessage) {
    deliver_all();
    const std::vector<int> order{3, 1, 2, 2, 4, kCount, 5, 6, 1, kCount - 1, kCount};
    std::string commands, expected;
    for (int i : order) {
        commands += "RETR " + std::to_string(i) + "\r\n";
        expected += retr_reply(i);
    }
    EXPECT_EQ(logged_in(commands), expected);
}

TEST_F(Pop3ReadAheadTest, DeleBetweenRetrAndTopOfReadAheadMessages) {
    deliver_all();
    const std::string out =
        logged_in("RETR 1\r\nDELE 2\r\nRETR 2\r\nTOP 3 0\r\nRETR 3\r\nRETR 4\r\n");
    EXPECT_EQ(out, retr_reply(1) + "+OK message 2 deleted\r\n-ERR message 2 already deleted\r\n" +
                       "+OK top of message follows\r\nSubject: message 3\r\n\r\n.\r\n" +
                       retr_reply(3) + retr_reply(4));
}

TEST_F(Pop3ReadAheadTest, AlreadySeenMailStaysSeenAndUnseenBecomesSeen) {
    deliver(numbered(1));
    deliver(numbered(2));
    logged_in("RETR 1\r\nQUIT\r\n");
    // Message 1 is \Seen at this login; both are retrieved.
    logged_in("RETR 1\r\nRETR 2\r\nQUIT\r\n");
    const auto msgs = inbox();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0].flags, std::vector<std::string>{"\\Seen"});
    EXPECT_EQ(msgs[1].flags, std::vector<std::string>{"\\Seen"});
}

}  // namespace
}  // namespace tern::pop3::test
