// The trace records (FORMAT.md 5.7), present only with the TRACE flag.

/// WALK_BEGIN: the module calls `walk_page_range(mm, start, end)`.
public struct WalkBeginRecord: Hashable, Sendable {
    /// The first address of the walk's range.
    public var start: UInt64
    /// The end of the walk's range.
    public var end: UInt64
    /// A WALK_BEGIN record of a walk over `[start, end)`.
    public init(start: UInt64, end: UInt64) {
        self.start = start
        self.end = end
    }
}

/// WALK_END: that `walk_page_range()` call returned ``result``.
public struct WalkEndRecord: Hashable, Sendable {
    /// What `walk_page_range()` returned.
    public var result: Int64
    /// A WALK_END record of a walk that returned `result`.
    public init(result: Int64) { self.result = result }
}

/// TEST_WALK: `test_walk(addr, next)` returned ``result`` (1 skips the VMA).
public struct TestWalkRecord: Hashable, Sendable {
    /// The `start` argument of `test_walk`.
    public var addr: UInt64
    /// The `end` argument of `test_walk`.
    public var next: UInt64
    /// What the module's `test_walk` returned.
    public var result: Int64
    /// A TEST_WALK record.
    public init(addr: UInt64, next: UInt64, result: Int64) {
        self.addr = addr
        self.next = next
        self.result = result
    }
}

/// POST_VMA: `post_vma` for the VMA `[vmStart, vmEnd)`.
public struct PostVMARecord: Hashable, Sendable {
    /// The start of the VMA left.
    public var vmStart: UInt64
    /// The end of the VMA left.
    public var vmEnd: UInt64
    /// A POST_VMA record of the VMA `[vmStart, vmEnd)`.
    public init(vmStart: UInt64, vmEnd: UInt64) {
        self.vmStart = vmStart
        self.vmEnd = vmEnd
    }
}

/// STOP: ``callback`` found the buffer full at ``addr``, recorded nothing
/// else and returned "stop" (1, or `-ENOBUFS` from `test_walk`).
public struct StopRecord: Hashable, Sendable {
    /// The callback that stopped the walk.
    public var callback: WalkCallback
    /// Its address argument.
    public var addr: UInt64
    /// A STOP record.
    public init(callback: WalkCallback, addr: UInt64) {
        self.callback = callback
        self.addr = addr
    }
}
