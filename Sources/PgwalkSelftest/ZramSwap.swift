import PgwalkKit

/// Swap on a zram device for the swap scenarios, torn down exactly:
/// `swapoff`, the device reset, a hot-added device removed, the module
/// unloaded if the selftest loaded it. Nothing is done when swap is
/// already active.
struct ZramSwap {
    let settings: SystemSettings
    /// 256 MiB: room for swap-thp's 2 MiB and swap-4k's pages many times over.
    static let diskSize = "256M"

    /// True when /proc/swaps lists a device or file.
    var swapActive: Bool {
        guard let text = settings.read("/proc/swaps") else { return false }
        return text.split(separator: "\n").count > 1
    }

    func ensureSwap() throws {
        guard !swapActive else { return }
        if !settings.exists("/sys/module/zram") {
            try settings.run(["modprobe", "zram"], undo: ["rmmod", "zram"])
        }
        let device = try freeDevice()
        let sys = "/sys/block/\(device)"
        let dev = "/dev/\(device)"
        // The reset (which frees the memory and sets disksize back to 0) is
        // journaled before disksize is set.
        try settings.record("\(sys)/disksize = \(Self.diskSize)") { [settings] in
            try settings.rawWrite(sys + "/reset", "1")
        }
        try settings.rawWrite(sys + "/disksize", Self.diskSize)
        try settings.run(["mkswap", dev])
        try settings.run(["swapon", dev], undo: ["swapoff", dev])
    }

    /// A zram device with no disksize that is not a swap device; hot-adds
    /// one when all are in use.
    func freeDevice() throws -> String {
        let swaps = settings.read("/proc/swaps") ?? ""
        for n in 0..<64 {
            let name = "zram\(n)"
            guard settings.exists("/sys/block/\(name)") else { continue }
            if settings.read("/sys/block/\(name)/disksize") == "0" && !swaps.contains("/dev/\(name) ") {
                return name
            }
        }
        let control = "/sys/class/zram-control"
        guard let id = settings.read(control + "/hot_add"), let n = Int(id) else {
            throw SystemSettings.WriteFailed(path: settings.path(control + "/hot_add"), value: "",
                                             reason: "no free zram device and none could be added")
        }
        try settings.record("zram\(n) hot-added") { [settings] in
            try settings.rawWrite(control + "/hot_remove", String(n))
        }
        return "zram\(n)"
    }
}
