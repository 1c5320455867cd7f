import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

export interface Actor {
  userId: string;
  key: string;
  role: 'ROOT' | 'ADMIN' | 'MEMBER';
}

/** Initializes the system and returns the root actor. */
export async function initRoot(server: Server): Promise<Actor> {
  const res = await request(server).post('/v1/system/init').send({}).expect(200);
  if (res.body.alreadyInitialized) throw new Error('system was already initialized');
  return { userId: res.body.userId, key: res.body.rootApiKey, role: 'ROOT' };
}

/** Creates a user with one API key, as `by`. */
export async function createActor(server: Server, by: Actor, role: 'ADMIN' | 'MEMBER' = 'MEMBER'): Promise<Actor> {
  const user = await request(server)
    .post('/v1/users')
    .set('x-api-key', by.key)
    .send({ email: `${role.toLowerCase()}-${randomUUID()}@example.com`, displayName: `${role} user`, role })
    .expect(201);
  const key = await request(server)
    .post('/v1/apikeys')
    .set('x-api-key', by.key)
    .send({ userId: user.body.userId })
    .expect(201);
  return { userId: user.body.userId, key: key.body.rawApiKey, role };
}

/** supertest request builders authenticated as an actor. */
export function as(server: Server, actor: Actor) {
  const auth = <T extends request.Test>(test: T): T => test.set('x-api-key', actor.key) as T;
  return {
    get: (path: string) => auth(request(server).get(path)),
    post: (path: string) => auth(request(server).post(path)),
    put: (path: string) => auth(request(server).put(path)),
    patch: (path: string) => auth(request(server).patch(path)),
    delete: (path: string) => auth(request(server).delete(path)),
  };
}
