import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Inserts rows with one parametrised statement whose text depends only on the table, the columns
 * and the number of rows. TypeORM's own insert writes numbers into the SQL text, so on a hot path
 * (meter values, charging profiles) every row is new SQL to build and parse, and on SQLite a new
 * prepared statement that also pushes the reusable ones out of the statement cache. Values go
 * through the driver's conversion (dates, simple-json, transformers) exactly as in TypeORM's insert.
 * Every row must set the same properties as the first; generated columns are left to the database.
 * Meant for the small batches of a hot path: the rows go in one statement, so a batch whose values
 * pass the driver's parameter limit (32,766 on SQLite, 65,535 on MySQL) fails whole.
 */
export async function insertRows<T extends ObjectLiteral>(
  source: DataSource,
  entity: EntityTarget<T>,
  rows: Partial<T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = source.getMetadata(entity);
  const { driver } = source;
  const properties = Object.keys(rows[0]);
  if (rows.some((row) => Object.keys(row).length !== properties.length || properties.some((p) => !(p in row)))) {
    throw new Error(`insertRows into ${metadata.name}: every row must set the same properties as the first`);
  }
  const columns = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column for ${property}`);
    return column;
  });
  const parameters: unknown[] = [];
  const tuples = rows.map(
    (row) =>
      `(${columns
        .map((column) => {
          parameters.push(driver.preparePersistentValue(row[column.propertyName], column) ?? null);
          return driver.createParameter(`p${parameters.length}`, parameters.length - 1);
        })
        .join(', ')})`,
  );
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  await source.query(
    `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${tuples.join(', ')}`,
    parameters,
  );
}
