import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length } from 'class-validator';
import { trimmed } from '../../common/validation/transforms.js';

export class InitSystemDto {
  @ApiPropertyOptional({ nullable: true, default: 'root@localhost' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({ require_tld: false })
  email?: string;

  @ApiPropertyOptional({ nullable: true, default: 'Root' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 255)
  displayName?: string;
}
