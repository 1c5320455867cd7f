import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (Redis), that the test can cut (every
 * connection reset, new ones refused) and restore: an outage as a client sees it.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private up = true;
  private onConnection: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => {
      if (!proxy.up) return client.destroy();
      const target = connect(targetPort, targetHost);
      target.once('connect', () => {
        const waiting = proxy.onConnection;
        proxy.onConnection = [];
        for (const resolve of waiting) resolve();
      });
      for (const socket of [client, target]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(target).pipe(client);
      client.on('close', () => target.destroy());
      target.on('close', () => client.destroy());
    });
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Resets every connection and refuses new ones until `restore`. */
  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.up = true;
  }

  /** Resolves once a client is connected through the proxy again (after a cut: the client has reconnected). */
  nextConnection(): Promise<void> {
    return new Promise((resolve) => this.onConnection.push(resolve));
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
