/**
 * The plant's identity as document 000 ships it. Shared: plant-simulator serves it, and
 * gridpilot-optimizer (which steers that plant), the console (which shows it) and the launcher's
 * tests address the same plant with the same token, so no app owns it alone.
 */

/** The token document 000 ships with; fine on a laptop, refused in production. */
export const DOCUMENTED_PLANT_TOKEN = '7ab39eed3b05b7e4efc17285bb416304256979967ec8d6ad2b2ef3bc10c0f5ed';
export const DEFAULT_PLANT_ID = 'complexo-paranhos';

/** What a plant id may be (plant-simulator's PLANT_ID and PLANTS, and the apps that name that plant). */
export const PLANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
