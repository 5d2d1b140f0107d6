// bench/phases.sh's JVM target (docs/BENCH.md, "Where the time goes"): a
// JVM holding 100 MiB of heap, written so that every page is touched, and
// several threads, idle until killed. Prints "ready ..." when set up.
public class Hold {
    public static void main(String[] args) throws InterruptedException {
        int mib = 100;
        int threads = 8;
        // 256 KiB arrays: under half a G1 region, so none is "humongous"
        // (a 1 MiB array would take two 1 MiB regions).
        byte[][] heap = new byte[mib * 4][];
        for (int i = 0; i < heap.length; i++) {
            heap[i] = new byte[256 << 10];
            java.util.Arrays.fill(heap[i], (byte) (i + 1));
        }
        for (int t = 0; t < threads; t++) {
            Thread idle = new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    return;
                }
            });
            idle.setDaemon(true);
            idle.start();
        }
        System.out.println("ready heap_mib=" + mib + " threads=" + threads);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
        // The heap stays reachable until here.
        System.out.println(heap[heap.length - 1][0]);
    }
}
