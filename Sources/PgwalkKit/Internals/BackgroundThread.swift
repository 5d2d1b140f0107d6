#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread that runs one closure, with every signal blocked: SIGINT and
/// SIGPIPE go on reaching the threads they did before. It is joined by
/// ``join()``, or when it is released.
final class BackgroundThread {
    private var thread: pthread_t?

    /// Starts `body` on a new thread; nil when no thread can be started (the
    /// caller then does the work itself).
    init?(_ body: @escaping () -> Void) {
        // The new thread inherits the mask in force at pthread_create: the
        // only way to have every signal blocked from its first instruction.
        var all = sigset_t(), previous = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_SETMASK, &all, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context) == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        self.thread = thread
    }

    deinit { join() }

    /// Waits for the thread to end. Safe to call more than once.
    func join() {
        guard let thread else { return }
        pthread_join(thread, nil)
        self.thread = nil
    }

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
