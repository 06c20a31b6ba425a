import { z } from 'zod';

/** A string that must compile as a regular expression (number patterns, flow patterns). */
export const regexSchema = z.string().refine((p) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}, 'a valid regular expression');
