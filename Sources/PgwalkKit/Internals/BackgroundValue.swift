/// A value computed on a thread of its own while the caller goes on, and
/// waited for when asked: verify reads /proc/PID/maps during its pass
/// (docs/BENCH.md, change 19). Where no thread can be started, it is
/// computed when asked.
final class BackgroundValue<Value> {
    private let compute: () throws -> Value
    private let outcome = Outcome()
    private var thread: BackgroundThread?

    init(_ compute: @escaping () throws -> Value) {
        self.compute = compute
        let outcome = outcome
        thread = BackgroundThread { outcome.result = Result(catching: compute) }
    }

    /// The value, or the error computing it threw; waits for the thread.
    func value() throws -> Value {
        thread?.join()
        thread = nil
        if outcome.result == nil { outcome.result = Result(catching: compute) }
        return try outcome.result!.get()
    }

    /// Written by the thread, read only after it is joined.
    private final class Outcome {
        var result: Result<Value, any Error>?
    }
}
