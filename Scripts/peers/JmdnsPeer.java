// JmDNS (libjmdns-java) as an mDNS peer, driven from the command line (run inside a namespace).
//   java JmdnsPeer publish IP HOST NAME TYPE PORT KEY=VALUE SECONDS
//       publishes NAME.TYPE on HOST.local; prints "probing NAME" and "registered NAME", then
//       "announced <final name>" once JmDNS's state for it is announced (probes and announcements
//       over); unregisters (goodbyes) on SIGTERM or after SECONDS
//   java JmdnsPeer browse IP TYPE SECONDS
//       prints "resolved NAME HOST ADDRESS PORT TXT" and "removed NAME" lines as they happen
// Every line starts with seconds since start.
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import javax.jmdns.impl.ServiceInfoImpl;

public class JmdnsPeer {
    static final long START = System.nanoTime();

    static synchronized void say(String line) {
        System.out.printf("%.3f %s%n", (System.nanoTime() - START) / 1e9, line);
        System.out.flush();
    }

    static String type(String t) {
        return t.endsWith(".local.") ? t : t + ".local.";
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        InetAddress ip = InetAddress.getByName(args[1]);
        JmDNS jmdns;
        long seconds;
        if (args[0].equals("publish")) {
            jmdns = JmDNS.create(ip, args[2]);
            String[] kv = args[6].split("=", 2);
            java.util.Map<String, String> txt = new java.util.HashMap<>();
            txt.put(kv[0], kv.length > 1 ? kv[1] : "");
            ServiceInfo info = ServiceInfo.create(type(args[4]), args[3], Integer.parseInt(args[5]), 0, 0, txt);
            say("probing " + info.getName());
            jmdns.registerService(info);
            say("registered " + info.getName());
            // probes, then announcements; the name may have changed on the way (§9)
            boolean announced = ((ServiceInfoImpl) info).waitForAnnounced(15000);
            say((announced ? "announced " : "not-announced ") + info.getName());
            seconds = Long.parseLong(args[7]);
        } else {
            jmdns = JmDNS.create(ip, "jmdns-browser");
            jmdns.addServiceListener(type(args[2]), new ServiceListener() {
                public void serviceAdded(ServiceEvent e) { e.getDNS().requestServiceInfo(e.getType(), e.getName(), 3000); }
                public void serviceRemoved(ServiceEvent e) { say("removed " + e.getName()); }
                public void serviceResolved(ServiceEvent e) {
                    ServiceInfo i = e.getInfo();
                    say("resolved " + e.getName() + " " + i.getServer() + " " + Arrays.toString(i.getHostAddresses())
                        + " " + i.getPort() + " " + new String(i.getTextBytes(), java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "|"));
                }
            });
            seconds = Long.parseLong(args[3]);
        }
        final JmDNS j = jmdns;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("closing");
            j.unregisterAllServices();
            try { j.close(); } catch (Exception ignored) { }
            stop.countDown();
        }));
        stop.await(seconds, TimeUnit.SECONDS);
        System.exit(0);
    }
}
