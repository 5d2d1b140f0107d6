// The trace records (FORMAT.md 5.7), present only with the TRACE flag.

/// WALK_BEGIN: the module calls `walk_page_range(mm, start, end)`.
public struct WalkBeginRecord: Hashable, Sendable {
    public var start: UInt64
    public var end: UInt64
    public init(start: UInt64, end: UInt64) {
        self.start = start
        self.end = end
    }
}

/// WALK_END: that `walk_page_range()` call returned ``result``.
public struct WalkEndRecord: Hashable, Sendable {
    public var result: Int64
    public init(result: Int64) { self.result = result }
}

/// TEST_WALK: `test_walk(addr, next)` returned ``result`` (1 skips the VMA).
public struct TestWalkRecord: Hashable, Sendable {
    public var addr: UInt64
    public var next: UInt64
    public var result: Int64
    public init(addr: UInt64, next: UInt64, result: Int64) {
        self.addr = addr
        self.next = next
        self.result = result
    }
}

/// POST_VMA: `post_vma` for the VMA `[vmStart, vmEnd)`.
public struct PostVMARecord: Hashable, Sendable {
    public var vmStart: UInt64
    public var vmEnd: UInt64
    public init(vmStart: UInt64, vmEnd: UInt64) {
        self.vmStart = vmStart
        self.vmEnd = vmEnd
    }
}

/// STOP: ``callback`` found the buffer full at ``addr``, recorded nothing
/// else and returned "stop" (1, or `-ENOBUFS` from `test_walk`).
public struct StopRecord: Hashable, Sendable {
    public var callback: WalkCallback
    public var addr: UInt64
    public init(callback: WalkCallback, addr: UInt64) {
        self.callback = callback
        self.addr = addr
    }
}
