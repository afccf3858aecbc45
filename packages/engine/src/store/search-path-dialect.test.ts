import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isolatedStoreOptions } from '../testing/index.js';
import { migrate } from './migrator.js';
import { openStore } from './open-store.js';

const url = process.env.TANDEM_TEST_DATABASE_URL;

describe.skipIf(!url)('migrating a PostgreSQL store on postgres', () => {
  it('succeeds while other schemas of the database are created and dropped', async () => {
    const churn = new pg.Client({ connectionString: url });
    await churn.connect();
    let churning = true;
    const churned = (async () => {
      for (let i = 0; churning; i += 1) {
        const name = `tandem_churn_${process.pid}_${i}`;
        await churn.query(`CREATE SCHEMA ${name}`);
        await churn.query(`CREATE TABLE ${name}.t (id int)`);
        await churn.query(`DROP SCHEMA ${name} CASCADE`);
      }
    })();
    try {
      for (let round = 0; round < 6; round += 1) {
        const { options, dispose } = await isolatedStoreOptions('postgres');
        const store = await openStore(options);
        try {
          expect((await migrate(store)).length).toBeGreaterThan(0);
        } finally {
          await store.close();
          await dispose();
        }
      }
    } finally {
      churning = false;
      await churned;
      await churn.end();
    }
  });
});
