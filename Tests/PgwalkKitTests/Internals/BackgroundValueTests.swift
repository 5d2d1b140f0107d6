#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import PgwalkKit

/// A background value is computed once, on a thread other than the
/// caller's, with every signal blocked there; its error reaches the caller.
@Suite struct BackgroundValueTests {
    struct Failure: Error, Equatable { let code: Int }

    /// What the computing thread saw of itself.
    struct Seen { var thread: pthread_t; var blocksInterrupt: Bool; var blocksPipe: Bool }

    static func seenHere() -> Seen {
        var mask = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &mask)
        return Seen(thread: pthread_self(), blocksInterrupt: sigismember(&mask, SIGINT) == 1,
                    blocksPipe: sigismember(&mask, SIGPIPE) == 1)
    }

    @Test func computedOnceOnAnotherThreadWithSignalsBlocked() throws {
        final class Count { var value = 0 }
        let count = Count()
        let before = Self.seenHere()
        let background = BackgroundValue { () -> Seen in
            count.value += 1
            return Self.seenHere()
        }
        let seen = try background.value()
        #expect(pthread_equal(seen.thread, pthread_self()) == 0, "computed on the caller's thread")
        #expect(seen.blocksInterrupt && seen.blocksPipe, "signals reach the computing thread")
        let after = Self.seenHere()
        #expect(after.blocksInterrupt == before.blocksInterrupt && after.blocksPipe == before.blocksPipe,
                "the caller's own mask changed")
        #expect(pthread_equal(try background.value().thread, seen.thread) != 0)
        #expect(count.value == 1)
    }

    @Test func itRunsBeforeItIsAskedFor() throws {
        // The value writes a byte into a pipe, which the caller waits for
        // before asking for the value: computed only when asked, the byte
        // would never come.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let writeEnd = ends[1]
        let background = BackgroundValue { () -> Int in
            var byte: UInt8 = 42
            return write(writeEnd, &byte, 1)
        }
        var ready = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
        #expect(poll(&ready, 1, 20_000) == 1, "nothing came while the caller waited")
        #expect(try background.value() == 1)
    }

    @Test func itsErrorIsThrownWhenAsked() {
        let background = BackgroundValue { () throws -> Int in throw Failure(code: 7) }
        #expect(throws: Failure(code: 7)) { try background.value() }
        #expect(throws: Failure(code: 7)) { try background.value() }
    }
}
