// `tern sendmail`: the sendmail(1) command line that cron, scripts and
// applications call to send mail, installable as /usr/sbin/sendmail (a
// symbolic link to `tern`: the name it is called by selects this mode).
//
//   sendmail [-t] [-i | -oi] [-f SENDER] [-F FULLNAME] [-C CONFIG] [--dev] [--] [RECIPIENT...]
//
// The message is read from standard input; without -i a line holding a
// single "." ends it. Bare LF line ends become CRLF (RFC 5322 2.1). -t adds
// the To, Cc and Bcc addresses to the recipients and removes Bcc. A message
// without From, Date or Message-ID gets them. Delivery goes through the same
// router and delivery function as SMTP. Options of other sendmails that do
// not apply (-odi, -oem, -v, -N...) are accepted and ignored.
//
// Exit codes are those of sysexits.h: 0 delivered, 64 usage, 65 bad input,
// 67 unknown local recipient, 75 try again later (e.g. a remote recipient
// while outbound delivery is not available), 78 configuration.
#pragma once

namespace tern::cli {

int sendmail_main(int argc, char** argv);

}  // namespace tern::cli
